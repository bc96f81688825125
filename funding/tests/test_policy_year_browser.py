"""Issue 24's acceptance, "one policy year", in a real headless Chromium on a small demo city. After the login page
no URL is typed and no admin page is opened: every page is reached by clicking the navigation, 我的待办 and links.

The bureau opens this year's programme from last year's → runs a screening → turns the 应享 results into claims →
the enterprise confirms with its bank account → the district passes → the bureau decides → 公示 passes (a test clock
moves the date for the whole process, the live server's thread included) → finance pays the batch → the exported
payment batch, its 结果 column filled in, comes back as the bank return → the enterprise sees 已拨付 and the amount →
the programme's paid figure shows it. Figures asserted are the ones the pages show.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from conftest import CHROMIUM_ARGS  # noqa: F401  (the shared browser fixtures live in the root conftest)
from funding import services
from funding.models import Claim, LedgerEntry
from funding.tests.conftest import PDF
from registry.models import Recognition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.postgres_half]

PASSWORD = "demo12345"
PROGRAMME = "科技创新发展专项资金"


@pytest.fixture
def year_city(demo_city):
    """The demo city at 300 enterprises with its logins, a finance login, last year's 政策兑现 programme (confirmed),
    and one fact of this year that 威政发〔2023〕5号 第18条 rewards with a fixed 10 万元: the demo enterprise's city
    innovation consortium was registered (备案) this year."""
    today = timezone.localdate()
    bureau = User.objects.get(username="bureau")
    fin = User.objects.create_user("finance", password=PASSWORD, role="finance", first_name="财政局演示账户")
    last = services.create_programme(bureau, PROGRAMME, today.year - 1, "威政发〔2023〕5号",
                                     lines=[("企业创新奖补", "city", "8000000")], publicity_days=5)
    services.confirm_budget_line(fin, last.budget_lines.get())
    enterprise = User.objects.get(username="enterprise").organization
    Recognition.objects.create(organization=enterprise, kind="platform_approval", subject="innovation_consortium",
                               level="city", title="威海市海洋医疗器械创新联合体",
                               occurred_on=max(dt.date(today.year, 1, 2), today - dt.timedelta(days=30)))
    # the demo expert's profile in the 科技专家库 (the experts demo's way), the only admitted expert of this small city
    from experts.demo import _sector
    from experts.models import Expert

    expert_user = User.objects.get(username="expert")
    from registry.models import Person

    person = Person.objects.get(account=expert_user)
    org = person.organization
    assert org != enterprise
    Expert.objects.create(person=person, user=expert_user, organization=org, sector=_sector(org),
                          title=person.title or "正高级工程师", disciplines=["416"], keywords="医疗器械、研发投入",
                          admitted_on=dt.date(2020, 3, 1), status=Expert.Status.ADMITTED)
    _voucher_service_to_settle(bureau, fin, today)
    _defaulted_loan(bureau, fin, enterprise, today)
    return enterprise


def _voucher_service_to_settle(bureau, fin, today: dt.date) -> None:
    """This year's voucher programme (5 days of 公示); a testing lab of the city (login ``provider``) tested samples
    of a 科技型中小企业 (login ``sme``), which confirmed the record and spent its voucher on the 1,000 元 fee (the
    voucher pays its kind's share, 50%)."""
    from registry.models import Organization, Qualification
    from vouchers import services as vouchers

    lab = Organization.objects.filter(kind="service_provider", provider_type="testing").order_by("id").first()
    provider = User.objects.create_user("provider", password=PASSWORD, role="provider", organization=lab)
    p = vouchers.apply_provider(provider, True, "王工 0631-0000000", "检验检测",
                                [{"name": "材料成分检测", "category": "testing", "price_basis": "sample", "price": "500"}])
    vouchers.decide_provider(bureau, p, True)
    vp = vouchers.create_programme(
        bureau, today.year, city_budget="2000000", province_budget="4000000", starts_on=dt.date(today.year, 1, 1),
        expires_on=dt.date(today.year + 1, 12, 31), yearly_cap="100000", publicity_days=5,
        kinds=[{"kind": "universal", "categories": ["instrument", "testing", "rd_design"], "face_amount": "20000",
                "share": "0.5"}])
    services.confirm_budget_line(fin, vp.city_line)
    services.confirm_budget_line(fin, vp.province_line)
    kind = vp.kinds.get()
    vouchers.issue_vouchers(bureau, kind, today)
    sme_org = Organization.objects.get(pk=kind.vouchers.order_by("id").values_list("organization_id", flat=True)[0])
    assert Qualification.objects.filter(organization=sme_org, kind="tech_sme").exists()
    sme = User.objects.create_user("sme", password=PASSWORD, role="enterprise", organization=sme_org)
    rec = vouchers.record_service(provider, organization_id=sme_org.pk, service_id=p.services.get().pk, quantity=2,
                                  amount="1000", performed_on=today, invoice_no="37100000-0001")
    vouchers.confirm_record(sme, rec.pk)
    vouchers.spend(sme, kind.vouchers.get(organization=sme_org).pk, rec.pk)


def _defaulted_loan(bureau, fin, borrower, today: dt.date) -> None:
    """A bank (login ``bank``) with its 科技成果转化贷款 备案 in the city's risk-compensation pool (last year's,
    pools roll over years); a 200 万 loan to the demo enterprise, 备案, that defaulted 120 days ago (a claim may be
    filed from 90 days after the default)."""
    from registry.models import Organization
    from registry.uscc import make_uscc
    from scifinance import pools
    from scifinance import services as finance
    from scifinance.models import PartnerKind, Scheme

    org = Organization.objects.create(kind="service_provider", provider_type="finance", name="威海示范银行",
                                      uscc=make_uscc("91371000MA3C90010"), region=borrower.region)
    bank = finance.register_partner(bureau, org, PartnerKind.BANK)
    User.objects.create_user("bank", password=PASSWORD, role="provider", organization=org)
    contract = today - dt.timedelta(days=400)
    finance.file_partner(bureau, bank, Scheme.TRANSFORMATION_LOAN, contract - dt.timedelta(days=30))
    pool = pools.create_pool(bureau, Scheme.TRANSFORMATION_LOAN, today.year - 1)
    pools.contribute(bureau, pool, "city", "10000000", contract, confirm_as=fin)
    pools.contribute(bureau, pool, "province", "10000000", contract)
    loan = finance.register_loan(User.objects.get(username="bank"), bank, {
        "borrower_uscc": borrower.uscc, "product": "科技成果转化贷款", "contract_no": "HT-2025-017",
        "contract_date": contract.isoformat(), "amount": "2000000", "term_months": "12", "rate": "3.45",
        "collateral": "知识产权质押"})
    finance.file_loan(bureau, loan, contract + dt.timedelta(days=5))
    finance.mark_default(bureau, loan, today - dt.timedelta(days=120))


class Walker:
    """One browser context per login; every step a click (counted) on what the page shows."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser, self.base_url, self.contexts, self.clicks = browser, base_url, [], 0

    def login(self, username: str):
        context = self.browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900},
                                           accept_downloads=True)
        self.contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        pg.goto(self.base_url + "/login/")  # the only URL typed: the login page
        pg.fill("input[name=username]", username)
        pg.fill("input[name=password]", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_load_state("networkidle")
        assert pg.url.endswith("/todo/"), f"{username} landed on {pg.url}"
        return pg

    def click(self, pg, selector: str) -> None:
        self.clicks += 1
        pg.locator(selector).first.click()
        pg.wait_for_load_state("networkidle")

    def nav(self, pg, group: str, link: str) -> None:
        """Open a navigation group and follow one of its links."""
        self.click(pg, f"nav summary:text-is('{group}')")
        self.click(pg, f"nav details[open] .navmenu a:text-is('{link}')")

    def todo(self, pg, group: str, item: str) -> None:
        """From 我的待办 (the navigation's first link): the group's item."""
        self.click(pg, "nav a:has-text('我的待办')")
        section = pg.locator("section.todo-group", has=pg.locator(f"h2:has-text('{group}')"))
        assert section.count() == 1, f"no 「{group}」 in 我的待办: {pg.inner_text('main')}"
        self.clicks += 1
        section.locator("a", has_text=item).first.click()
        pg.wait_for_load_state("networkidle")

    def act(self, pg, transition: str) -> str:
        self.click(pg, f"form[data-transition={transition}] button[type=submit]")
        return pg.inner_text(".messages") if pg.locator(".messages").count() else ""


@pytest.fixture
def walker(_browser, live_server):
    w = Walker(_browser, live_server.url)
    yield w
    for c in w.contexts:
        c.close()



def test_one_policy_year(walker, year_city, immediate_queue, tmp_path):
    year = timezone.localdate().year
    ent = year_city

    # ---- the bureau opens this year's programme from last year's (5 clicks after login)
    bureau = walker.login("bureau")
    start = walker.clicks
    walker.nav(bureau, "政策兑现", "申报与资金")
    walker.click(bureau, "a:has-text('年度专项设立')")
    walker.click(bureau, "#copy-link")
    assert f"以 {year - 1} 年度为基础开设 {year} 年度" in bureau.inner_text("h1")
    walker.click(bureau, "#copy-form button[type=submit]")
    assert walker.clicks - start == 5
    assert f"已开设 {year} 年度专项 1 个：{PROGRAMME}" in bureau.inner_text("main")
    assert "企业创新奖补（市级）8,000,000.00 元" in bureau.inner_text("#programmes")

    # ---- finance confirms the copied budget line from its work list
    fin = walker.login("finance")
    walker.todo(fin, "待确认的预算科目", "企业创新奖补")
    walker.click(fin, "#to-confirm button:has-text('确认预算')")
    assert f"已确认：{year} 年度{PROGRAMME} · 企业创新奖补（市级），预算 8,000,000.00 元" in fin.inner_text("main")

    # ---- screening of this year, then 免申即享: the 应享 results become claims awaiting confirmation
    walker.nav(bureau, "政策兑现", "免申即享筛查")
    bureau.fill("#start-screening input[name=year]", str(year))
    bureau.select_option("#start-screening select[name=scope]", "list")
    bureau.fill("#start-screening textarea[name=organizations]", ent.name)
    walker.click(bureau, "#start-screening button[type=submit]")
    bureau.wait_for_selector("#total-entities")
    assert bureau.inner_text("#total-entities") == "1"
    assert "市级创新联合体备案补助\t威政发〔2023〕5号 第18条\t应享\t1\t10 万元" in bureau.inner_text("#by-provision")
    walker.click(bureau, "#proactive-all")
    assert "已生成免申即享兑现事项 1 项" in bureau.inner_text(".messages")
    claim = Claim.objects.get(organization=ent, year=year, origin="proactive")
    assert claim.entitled_amount == Decimal("100000.00")

    # ---- the enterprise confirms with its bank account
    company = walker.login("enterprise")
    walker.todo(company, "待本单位确认的免申即享申报", "市级创新联合体备案补助")
    assert company.inner_text("#state") == "待确认"
    company.fill("#claim-form input[name=bank_name]", "威海市商业银行")
    company.fill("#claim-form input[name=bank_account]", "6222 0000 1111 2222")
    walker.click(company, "#claim-form button[name=transition]")
    assert company.inner_text("#state") == "审核中"

    # ---- the enterprise also applies for a 上限 (最高) item of this year, which an expert round scores
    walker.click(company, "nav a:has-text('我能享受的政策')")
    walker.click(company, f"[data-year='{year}'] tr:has-text('研发投入递增补助') button.apply")
    company.fill("#claim-form input[name=project_title]", "海洋医疗器械研发投入递增")
    company.fill("#claim-form textarea[name=summary]", "医疗器械研发投入较上年增长，用于新型监护设备研制。")
    company.fill("#claim-form input[name=bank_name]", "威海市商业银行")
    company.fill("#claim-form input[name=bank_account]", "6222 0000 1111 2222")
    walker.click(company, "#save-claim")
    evidence = Path(tmp_path) / "研发费用专项审计报告.pdf"
    evidence.write_bytes(PDF)
    company.set_input_files("#upload input[type=file]", str(evidence))
    walker.click(company, "#upload button[type=submit]")
    assert "研发费用专项审计报告.pdf" in company.inner_text("#attachments")
    walker.click(company, "form[data-transition=submit] button[type=submit]")
    assert company.inner_text("#state") == "审核中", company.inner_text("main")[:1500]
    ceiling = Claim.objects.get(organization=ent, year=year, provision_id="B.09.rd_growth_subsidy")
    assert ceiling.is_ceiling and ceiling.entitled_amount == Decimal("650555.83")

    # ---- district 初审 and bureau 形式审查: both claims passed in one action each, a result per item
    district = walker.login("district")
    walker.nav(district, "政策兑现", "申报与资金")
    for c in (claim, ceiling):
        district.check(f"#queue input[name=ids][value='{c.pk}']")
    walker.click(district, "button:has-text('批量通过')")
    assert "成功 2 项、失败 0 项" in district.inner_text("#bulk-summary")
    walker.nav(bureau, "政策兑现", "申报与资金")
    walker.click(bureau, ".filters a:has-text('形式审查')")
    for c in (claim, ceiling):
        bureau.check(f"#queue input[name=ids][value='{c.pk}']")
    walker.click(bureau, "button:has-text('批量通过')")
    assert "成功 2 项、失败 0 项" in bureau.inner_text("#bulk-summary")

    # ---- the 上限 claim goes to an expert round: the bureau starts it, assigns and publishes it
    walker.nav(bureau, "政策兑现", "申报与资金")
    walker.click(bureau, ".filters a:has-text('评审')")
    bureau.fill("#start-review input[name=deadline]", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    bureau.fill("#start-review input[name=reviewers_per_item]", "1")
    walker.click(bureau, "#start-review button[type=submit]")
    walker.click(bureau, "#start-review a:has-text('专家评审')")
    walker.click(bureau, f"a:has-text('{PROGRAMME} 专家评审')")
    walker.click(bureau, "#action-solve")
    assert "专家" in bureau.inner_text("#items") and bureau.inner_text("#covered") == "1"
    walker.click(bureau, "#action-publish")
    assert bureau.inner_text("#round-status") == "评审中"

    # ---- the demo expert scores it from its work list
    expert = walker.login("expert")
    walker.todo(expert, "待提交的评审", "海洋医疗器械研发投入递增")
    if expert.locator("#accept").count():
        walker.click(expert, "#accept")
    expert.fill("#review-form input[type=number]", "86")
    expert.fill("#review-form textarea[name=comment]", "研发投入增长真实，项目方向符合产业链需求。")
    walker.click(expert, "#submit-review")

    # ---- the bureau closes the round from the claim's page, completes the review and decides both claims
    walker.todo(bureau, "评审中的申报（待完成评审）", ent.name)
    scores = bureau.inner_text("#expert-scores")
    assert "1/1" in scores and "86" in scores
    walker.click(bureau, "#expert-scores a")
    walker.click(bureau, "#action-close")
    assert bureau.inner_text("#round-status") == "已结束"
    walker.todo(bureau, "评审中的申报（待完成评审）", ent.name)
    assert "已" in walker.act(bureau, "review_done")
    assert bureau.inner_text("#state") == "市科技局决定"
    bureau.fill("form[data-transition=decide] input[name=amount]", "300000")
    walker.act(bureau, "decide")
    assert bureau.inner_text("#decided") == "300,000.00"
    walker.todo(bureau, "待决定资助金额的申报", "市级创新联合体备案补助")
    assert bureau.input_value("form[data-transition=decide] input[name=amount]") == "100000.00"
    walker.act(bureau, "decide")
    assert bureau.inner_text("#decided") == "100,000.00"
    assert bureau.inner_text("#state") == "公示中"
    publicity_ends = Claim.objects.get(pk=claim.pk).publicity_ends_on
    assert publicity_ends == timezone.localdate() + dt.timedelta(days=5)

    # ---- one voucher settlement: settled by the provider, passed by the bureau into its 公示
    _voucher_settled_and_approved(walker, bureau)

    # the public 公示 list, reached from the front door's navigation, shows the claim and its period
    walker.nav(bureau, "政策", "公示")
    assert ent.name in bureau.inner_text("main") and "100,000" in bureau.inner_text("main")

    # ---- 公示 passes: the clock moves past the period's end for the whole process (no sleeping)
    with time_machine.travel(timezone.now() + dt.timedelta(days=6), tick=True):
        assert timezone.localdate() > publicity_ends
        walker.click(bureau, "nav a:has-text('我的待办')")
        # the two claims and the voucher settlement's city part
        assert "公示期满、待确认的申报 3 项" in bureau.inner_text("main")
        walker.nav(bureau, "政策兑现", "申报与资金")
        walker.click(bureau, ".filters a:has-text('公示中')")
        for c in (claim, ceiling):
            bureau.check(f"#queue input[name=ids][value='{c.pk}']")
        walker.click(bureau, "button:has-text('批量通过')")
        assert "成功 2 项、失败 0 项" in bureau.inner_text("#bulk-summary")
        assert bureau.inner_text("#bulk-results").count("现为「待拨付」") == 2

        # ---- finance: the payment batch (Excel), pays it in one action, then imports the same file as the return
        walker.nav(fin, "政策兑现", "申报与资金")
        walker.click(fin, "a:has-text('拨付与台账')")
        assert "待拨付（2 项）" in fin.inner_text("main")
        with fin.expect_download() as dl:
            walker.clicks += 1
            fin.click("a:has-text('导出待拨付批次')")
        batch = Path(tmp_path) / "payment-batch.xlsx"
        dl.value.save_as(batch)
        walker.click(fin, "#pay-form button[value=pay]")
        assert "成功 2 项、失败 0 项" in fin.inner_text("#bulk-summary")
        wb = load_workbook(batch)
        ws = wb.worksheets[0]
        header = [c.value for c in ws[1]]
        amounts = sorted(ws.cell(r, header.index("金额(元)") + 1).value for r in range(2, ws.max_row + 1))
        assert amounts == [100000, 300000]
        for r in range(2, ws.max_row + 1):
            ws.cell(r, header.index("结果") + 1, "成功")
        wb.save(batch)
        walker.nav(fin, "政策兑现", "申报与资金")
        walker.click(fin, "a:has-text('拨付与台账')")
        walker.click(fin, "a:has-text('银行回单与对账')")
        fin.set_input_files("#bank-import input[name=file]", str(batch))
        walker.click(fin, "#bank-import button[type=submit]")
        assert "成功 2 笔" in fin.inner_text(".messages")
        assert fin.inner_text("#bank-paid") == fin.inner_text("#ledger-paid") == "400,000.00"
        assert fin.inner_text("#gap") == "0.00"

        # ---- the enterprise sees 已拨付 and the amount
        walker.click(company, "nav a:has-text('我的申报')")
        row = company.locator(f"tr[data-claim='{claim.pk}']")
        assert row.locator(".state").inner_text() == "已拨付"
        assert "100,000.00" in row.inner_text()
        row = company.locator(f"tr[data-claim='{ceiling.pk}']")
        assert row.locator(".state").inner_text() == "已拨付" and "300,000.00" in row.inner_text()
        assert company.inner_text("#received") == "400,000.00"

        # ---- the programme's paid figure shows it
        walker.nav(bureau, "政策兑现", "申报与资金")
        walker.click(bureau, "a:has-text('专项与预算')")
        card = bureau.locator(".card", has_text=f"{year} 年度{PROGRAMME}").first.inner_text()
        assert re.search(r"已拨付 400,000\.00 元", card), card

        # ---- the voucher settlement's 公示 ends too; finance pays it on its page
        _voucher_publicity_ends_and_finance_pays(walker, bureau, fin)
        # ---- one loss compensation: claimed by the bank, passed by the bureau, paid by finance from the pool
        _loss_compensation(walker, bureau, fin, tmp_path)

    assert LedgerEntry.objects.filter(claim=claim, kind="payment").get().amount == Decimal("100000.00")


def _voucher_settled_and_approved(walker: Walker, bureau) -> None:
    lab = walker.login("provider")
    walker.nav(lab, "服务", "创新券与仪器共享")
    walker.click(lab, ".subnav a:has-text('服务机构')")
    settle = lab.locator("#settle")
    assert "1,000.00" in settle.inner_text()
    for i in range(4):
        lab.set_input_files(f"#settle input[name=evidence_{i}]",
                            {"name": f"材料{i}.pdf", "mimeType": "application/pdf", "buffer": PDF + bytes([i])})
    lab.fill("#settle input[name=bank_name]", "威海市商业银行")
    lab.fill("#settle input[name=bank_account]", "6222 0000 3333 4444")
    walker.click(lab, "#settle button[type=submit]")
    assert lab.inner_text("#batch-state") == "待审核"

    walker.todo(bureau, "待审核的创新券结算", "")
    walker.click(bureau, "button[value=approve]")
    assert bureau.inner_text("#batch-state") == "公示中"


def _voucher_publicity_ends_and_finance_pays(walker: Walker, bureau, fin) -> None:
    walker.nav(bureau, "平台服务", "创新券与仪器共享")
    walker.click(bureau, ".subnav a:has-text('结算')")
    walker.click(bureau, "main table a:has-text('#')")
    walker.click(bureau, "button[value=end_publicity]")
    assert bureau.inner_text("#batch-state") == "待拨付", bureau.inner_text("main")[:800]

    walker.nav(fin, "平台服务", "创新券与仪器共享")
    walker.click(fin, ".subnav a:has-text('结算')")
    walker.click(fin, "main table a:has-text('#')")
    walker.click(fin, "button[value=pay]")
    assert fin.inner_text("#batch-state") == "已拨付"
    ledger = fin.inner_text("#ledger")
    # the voucher's half of the 1,000 元 fee (its kind's share 50%), from the city line, on A 第6条、第17条
    assert "拨付\t创新券市级补助（市级）\t500.00 元\t威政发〔2018〕20号 第6条、第17条" in ledger


def _loss_compensation(walker: Walker, bureau, fin, tmp_path) -> None:
    banker = walker.login("bank")
    walker.todo(banker, "已违约、尚未申请风险补偿的贷款", "HT-2025-017")
    banker.fill("input[name=loss]", "1500000")
    banker.fill("input[name=filed_on]", timezone.localdate().isoformat())
    banker.fill("input[name=bank_name]", "威海示范银行")
    banker.fill("input[name=bank_account]", "6222000055556666")
    evidence = Path(tmp_path) / "违约与追偿证明.pdf"
    evidence.write_bytes(PDF)
    banker.set_input_files("input[name=evidence]", str(evidence))
    walker.click(banker, "#claim-rule button[type=submit]")
    # 威政发〔2018〕20号 第19条: 150 万 × 市级 35% = 52.5 万 (the province's 35% recorded apart)
    assert "市级补偿 525,000.00 元" in banker.inner_text("main")

    walker.nav(bureau, "平台服务", "科技金融")
    walker.click(bureau, ".subnav a:has-text('风险补偿资金池')")
    walker.click(bureau, "button[value=approve]")
    walker.nav(fin, "平台服务", "科技金融")
    walker.click(fin, ".subnav a:has-text('风险补偿资金池')")
    row = fin.locator("tr", has_text="HT-2025-017")
    assert "525,000.00" in row.inner_text() and "待拨付" in row.inner_text()
    walker.click(fin, "button[value=pay]")
    row = fin.locator("tr", has_text="HT-2025-017")
    assert "已拨付" in row.inner_text()
    walker.nav(fin, "政策兑现", "申报与资金")
    walker.click(fin, "a:has-text('拨付与台账')")
    payments = fin.inner_text("#payments")
    assert "威海示范银行" in payments and "525,000.00" in payments and "威政发〔2018〕20号 第19条" in payments
