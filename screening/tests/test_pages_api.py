import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from registry.models import Organization, Qualification
from screening import services
from screening.models import Notice, ScreeningRun
from screening.tests.conftest import A07, A07_FIRST, A_DOC

YEAR = 2024


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


@pytest.fixture
def hte_enterprise(demo_city):
    """The enterprise demo account, moved to an organisation first certified as high-tech in YEAR."""
    org = Qualification.objects.filter(kind="high_tech_enterprise", certification="first_certification",
                                       valid_from__year=YEAR, organization__kind="enterprise").first().organization
    User.objects.filter(username="enterprise").update(organization=org)
    return org


def test_mine_lists_applies_and_near_and_one_path_to_a_claim(hte_enterprise):
    """Issue 26 items 11, 19, 23: an entitlement offers 申报 (no separate draft), cites its article with a link to
    the article's text in the portal, and once claimed shows its claim's state and amount instead of 申报."""
    from django.urls import reverse

    from funding.models import Claim, Programme

    c = client_for("enterprise")
    page = c.get(f"/screening/mine/?year={YEAR}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "我能享受的政策" in text and hte_enterprise.name in text and "申报草稿" not in text

    def a07_row() -> str:
        text = c.get(f"/screening/mine/?year={YEAR}").content.decode()
        card = text[text.index(f'data-year="{YEAR}"'):text.index(f'data-year="{YEAR - 1}"')]
        row = card[card.index("<td>新认定/重新认定高新技术企业奖励</td>"):]
        return row[:row.index("</tr>")]

    # A 第7条: 新认定高新技术企业 20 万元, with its document and article on the page, linked to the article's text.
    row = a07_row()
    link = reverse("portal:document", args=["A"]) + "#art-第7条"
    assert f'<a href="{link}" class="citation">{A_DOC} 第7条</a>' in row
    assert "应享</span>20 万元" in row and ">申报</button>" in row
    assert "art-第7条" in c.get(link.split("#")[0]).content.decode()  # the anchor is on the portal's page
    Programme.objects.create(name=f"{YEAR} 年度科技政策兑现", year=YEAR)
    resp = c.post("/funding/new/", {"provision_id": A07, "year": YEAR})
    claim = Claim.objects.get(organization=hte_enterprise, provision_id=A07, year=YEAR)
    assert resp["Location"] == f"/funding/claims/{claim.pk}/"
    row = a07_row()
    assert ">申报</button>" not in row and f'href="/funding/claims/{claim.pk}/"' in row
    assert "已建申报，未提交</span> 20 万元" in row
    Claim.objects.filter(pk=claim.pk).update(state="formal_check")
    assert "已申报（审核中）</span> 20 万元" in a07_row()
    Claim.objects.filter(pk=claim.pk).update(state="paid", decided_amount=150000)
    row = a07_row()
    assert '<span class="tag on">已拨付</span> 15 万元' in row and ">申报</button>" not in row
    api = c.get(f"/api/screening/mine/?year={YEAR}").json()
    assert api["organization"]["id"] == hte_enterprise.pk
    for bad in (0, 2018, 9999):  # issue 25: year 0 answered 500 (the year before 2018 has no documents)
        wrong = c.get(f"/api/screening/mine/?year={bad}")
        assert wrong.status_code == 400 and wrong.json()["field"] == "year" and "年度" in wrong.json()["detail"]
    a07 = next(r for r in api["years"][0]["applies"] if r["provision_id"] == A07)
    assert (a07["document"], a07["article"], a07["amount"]) == (A_DOC, "第7条", f"{A07_FIRST:.2f}")
    assert a07["claim"] == {"id": claim.pk, "state": "paid", "label": "已拨付", "amount": "150000.00"}


def test_the_notice_says_what_is_already_claimed(hte_enterprise):
    """Issue 26 item 11: the screening notice lists a paid entitlement as 已拨付 with its amount, not as 可享受."""
    from funding.models import Claim, Programme

    programme = Programme.objects.create(name=f"{YEAR} 年度科技政策兑现", year=YEAR)
    Claim.objects.create(programme=programme, organization=hte_enterprise, origin="redemption", provision_id=A07,
                         title="新认定/重新认定高新技术企业奖励", year=YEAR, entitled_amount=A07_FIRST,
                         decided_amount=A07_FIRST, state="paid")
    bureau = User.objects.get(username="bureau")
    run = services.start_run(bureau, year=YEAR, scope=ScreeningRun.Scope.LIST, organization_ids=[hte_enterprise.pk])
    services.send_notices(bureau, run)
    body = Notice.objects.get(organization=hte_enterprise).body
    offered, _, claimed = body.partition(f"贵单位 {YEAR} 年度已申报的政策：")
    assert "新认定/重新认定高新技术企业奖励" not in offered
    assert f"新认定/重新认定高新技术企业奖励（{A_DOC}，第7条）：200,000.00 元——已拨付，拨付 20 万元" in claimed


def test_entity_accounts_see_only_their_own(hte_enterprise):
    c = client_for("enterprise")
    assert c.get("/screening/").status_code == 302  # to their own page
    assert c.get("/api/screening/runs/").status_code == 403
    bureau = User.objects.get(username="bureau")
    run = services.start_run(bureau, year=YEAR)
    assert c.get(f"/screening/runs/{run.pk}/").status_code == 403
    services.send_notices(bureau, run)
    other = Notice.objects.exclude(organization=hte_enterprise).first()
    own = Notice.objects.get(organization=hte_enterprise)
    assert c.post("/screening/notices/", {"notice": other.pk}).status_code == 404
    page = c.get("/screening/notices/").content.decode()
    assert own.title in page and other.body not in page
    c.post("/screening/notices/", {"notice": own.pk})
    own.refresh_from_db()
    assert own.is_read


def test_staff_start_page_run_page_export(demo_city):
    c = client_for("bureau")
    resp = c.post("/screening/", {"year": YEAR, "scope": "all"})
    run = ScreeningRun.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/screening/runs/{run.pk}/"
    text = c.get(resp["Location"]).content.decode()
    assert "资金合计" in text and "需通知的主体" in text and "echarts.min.js" in text
    xlsx = c.get(f"/screening/runs/{run.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "按条款汇总"
    # every result row as CSV (any size of run), the same rows and figures as the workbook's details
    csv_resp = c.get(f"/screening/runs/{run.pk}/export.csv")
    assert csv_resp["Content-Type"].startswith("text/csv") and "导出 CSV" in text
    lines = list(csv.reader(io.StringIO(b"".join(csv_resp.streaming_content).decode("utf-8-sig"))))
    details = [list(row) for row in book["主体明细"].iter_rows(values_only=True)]
    assert lines[0] == list(details[0]) and len(lines) == len(details) == run.results.count() + 1
    assert [float(r[8]) for r in lines[1:]] == [r[8] for r in details[1:]]
    entitled = sum(Decimal(r[8]) for r in lines[1:] if r[3] == "符合" and r[7] == "应享")
    assert entitled == services.totals(run).entitlement > 0
    resp = c.post(f"/screening/runs/{run.pk}/notify/", follow=True)
    assert "请勾选要通知的主体" in resp.content.decode()
    first = services.entities_to_notify(run, entities=services.totals(run).entities).rows[0]["organization_id"]
    resp = c.post(f"/screening/runs/{run.pk}/notify/", {"organization": [first]}, follow=True)
    assert "已向 1 家主体发送" in resp.content.decode()
    resp = c.post(f"/screening/runs/{run.pk}/notify/", {"all": "1", "confirmed": "1"}, follow=True)
    assert "已向" in resp.content.decode()
    assert Notice.objects.filter(run=run).count() == services.totals(run).entities


def test_staff_empty_selection_message(demo_city):
    c = client_for("bureau")
    resp = c.post("/screening/", {"year": YEAR, "scope": "list", "organizations": ""})
    assert resp.status_code == 200 and "按清单筛查时请填写主体名称或统一社会信用代码" in resp.content.decode()
    resp = c.post("/screening/", {"year": YEAR, "scope": "list", "organizations": "不存在的公司\n12"})
    assert "“不存在的公司”“12”在登记库中找不到" in resp.content.decode()


def test_staff_pick_organisations_by_name_or_credit_code_and_redeem_on_the_run_page(hte_enterprise):
    """Issue 26 item 21: no internal numbers — a list screening takes names or credit codes, and 免申即享兑现 is a
    button on the run's page for the ticked organisations (A 第7条: 20 万元 becomes a claim awaiting confirmation)."""
    from funding.models import Claim, Programme

    other = Organization.objects.exclude(pk=hte_enterprise.pk).exclude(uscc="").first()
    c = client_for("bureau")
    page = c.get("/screening/").content.decode()
    form = page[page.index('id="start-screening"'):page.index("</form>", page.index('id="start-screening"'))]
    assert "主体清单" in form and "编号" not in form
    resp = c.post("/screening/", {"year": YEAR, "scope": "list",
                                  "organizations": f"{hte_enterprise.name}\n{other.uscc.lower()}"})
    run = ScreeningRun.objects.latest("id")
    assert resp["Location"] == f"/screening/runs/{run.pk}/" and sorted(run.organization_ids) == sorted(
        [hte_enterprise.pk, other.pk])
    page = c.get(resp["Location"]).content.decode()
    proactive = page[page.index('id="proactive"'):page.index("</p>", page.index('id="proactive"'))]
    assert "为所选主体生成" in proactive and "编号" not in proactive
    Programme.objects.create(name=f"{YEAR} 年度科技政策兑现", year=YEAR)
    resp = c.post(f"/screening/runs/{run.pk}/proactive/", {"organization": [hte_enterprise.pk]}, follow=True)
    assert "已生成免申即享兑现事项" in resp.content.decode()
    claim = Claim.objects.get(organization=hte_enterprise, provision_id=A07)
    assert (claim.state, claim.entitled_amount, claim.origin) == ("awaiting_confirmation", A07_FIRST, "proactive")
    assert not Claim.objects.filter(organization=other).exists()
    assert "请勾选要兑现的主体" in c.post(f"/screening/runs/{run.pk}/proactive/", follow=True).content.decode()


def test_whatif_page_and_bad_values(demo_city):
    c = client_for("bureau")
    assert "新认定的高新技术企业每家奖励" in c.get("/screening/whatif/").content.decode()  # A 第7条
    resp = c.post("/screening/whatif/", {"parameter": "a.art_07.hte_first", "value": "-5", "year": YEAR})
    assert "不能小于" in resp.content.decode()
    resp = c.post("/screening/whatif/", {"parameter": "bogus", "value": "5", "year": YEAR})
    assert "未知参数" in resp.content.decode()
    resp = c.post("/screening/whatif/", {"parameter": "a.art_07.hte_first", "value": "300000", "year": YEAR},
                  follow=True)
    text = resp.content.decode()
    assert "调整后 vs 现行规则" in text and "chart-provision" in text


def test_api_runs(demo_city):
    c = client_for("bureau")
    bad = c.post("/api/screening/runs/", {"kind": "whatif", "year": YEAR, "overrides": {"b.art_01.provincial_platform": -1}},
                 content_type="application/json")
    assert bad.status_code == 400 and "不能小于" in bad.json()["detail"]
    empty = c.post("/api/screening/runs/", {"year": YEAR, "scope": "region", "region": "NOPE"},
                   content_type="application/json")
    assert empty.status_code == 400 and empty.json()["field"] == "region"
    ok = c.post("/api/screening/runs/", {"year": YEAR, "scope": "region", "region": "Z-GAOQU"},
                content_type="application/json")
    assert ok.status_code == 201
    run_id = ok.json()["id"]
    assert c.get(f"/api/screening/runs/{run_id}/").json()["percent"] == 100
    totals = c.get(f"/api/screening/runs/{run_id}/totals/").json()
    assert totals["entities"] == services.totals(ScreeningRun.objects.get(pk=run_id)).entities
    assert c.post(f"/api/screening/runs/{run_id}/cancel/").status_code == 400
    params = c.get("/api/screening/parameters/").json()
    from policy import services as engine

    assert {p["path"] for p in params} == {p["path"] for p in engine.tunable_parameters()}
    a07 = next(p for p in params if p["path"] == "a.art_07.hte_first")
    assert (a07["title"], a07["reference"], a07["unit"]) == ("新认定的高新技术企业每家奖励", f"{A_DOC} 第7条", "元")


def test_public_calculator(db):
    """A 第7条 (real engine): a first certification as high-tech enterprise, 20 万元; no account, nothing written."""
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    c = Client()
    assert c.get("/screening/calculator/").status_code == 200
    data = {"year": 2025, "kind": "enterprise", "region": "371002", "newly_certified": ["high_tech_enterprise"],
            "certified_on": "2025-11-10", "sales_revenue": "3000000"}
    text = c.post("/screening/calculator/", data).content.decode()
    assert "新认定/重新认定高新技术企业奖励" in text and "20 万元" in text  # one money rule
    bad = c.post("/screening/calculator/", {**data, "sales_revenue": "-1"}).content.decode()
    assert "销售收入不能为负数" in bad
    api = c.post("/api/screening/calculator/", data)
    assert api.status_code == 200
    assert any(r["status"] == "applies" for r in api.json()["results"])
    assert Organization.objects.count() == 0


def test_engine_refusing_the_data_gives_a_message_not_an_error(hte_enterprise, monkeypatch):
    """Issue 12: data the policy engine refuses makes the entity's own page say so (not a 500), and a run that
    fails as a whole is marked failed with the engine's reason."""
    from policy import services as engine

    def refuse(*args, **kwargs):
        raise engine.PolicyInputError("annual_facts.2024.rd_expense：应为数字（元），收到 'x'。")

    monkeypatch.setattr(engine, "evaluate_organization_years", refuse)
    text = client_for("enterprise").get("/screening/mine/").content.decode()
    assert "本单位登记的数据有误，暂时无法计算" in text
    staff = client_for("bureau")
    resp = staff.post("/api/screening/runs/", {"kind": "whatif", "year": YEAR, "overrides": {"a": 1}},
                      content_type="application/json")
    assert resp.status_code == 400 and "未知参数" in resp.json()["detail"]
    monkeypatch.setattr(services.batching, "_evaluate_batch", refuse)  # where a batch is evaluated
    run = services.start_run(User.objects.get(username="bureau"), year=YEAR)
    assert run.status == "failed" and run.error.startswith("输入无效：annual_facts.2024.rd_expense")


def test_mine_defaults_to_latest_year_with_facts_and_says_so(hte_enterprise):
    latest = hte_enterprise.annual_facts.order_by("-year").first().year
    text = client_for("enterprise").get("/screening/mine/").content.decode()
    assert f'data-year="{latest}"' in text and f"{latest}年" in text and 'id="year-note"' in text
