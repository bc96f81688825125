"""The platform knows no city: a fictional jurisdiction (policy/tests/fictional_city, 明湖市) runs through the
catalogue page, the calculator service, a screening run and a what-if run, with only the setting changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from policy import services
from policy.tests.fictional_city import REGIONS
from registry.models import AnnualFacts, IndustryChain, Organization, Recognition, Region
from registry.reference import load_reference

FICTIONAL = "policy.tests.fictional_city"


@pytest.fixture
def minghu(settings):
    settings.POLICY_JURISDICTION = FICTIONAL
    return settings


def test_the_catalogue_follows_the_setting(minghu) -> None:
    from policy.catalogue import BY_ID, DOCUMENTS, PROVISIONS

    assert [p.id for p in PROVISIONS] == ["M1.03.prize", "M1.03.loan_interest", "M2.02.patent_reward"]
    assert set(DOCUMENTS) == {"M1", "M2"} and "M1.03.prize" in BY_ID
    assert {t["path"] for t in services.tunable_parameters()} == {
        "m1.art_03.prize", "m1.art_03.loan_rate", "m1.art_03.loan_cap", "m2.art_02.threshold", "m2.art_02.reward"}


def test_the_voucher_sharing_rule_is_the_fictional_citys(minghu) -> None:
    """A voucher's share is read through the jurisdiction (明政发〔2020〕1号 第5条, invented): 30% provincial + 10% city
    for shared instruments until 2025, for anyone; every other service at the programme's share under 第4条."""
    import datetime as dt

    from vouchers import subsidy

    s = subsidy.compute(Decimal("10000"), category="instrument", networked_instrument=False,
                        performed_on=dt.date(2025, 3, 1), small_or_team=False, programme_share=Decimal("0.5"))
    assert (s.province, s.city, s.citation) == (Decimal("3000.00"), Decimal("1000.00"), "明政发〔2020〕1号 第5条")
    assert s.explanation == ("使用共享仪器的服务费 10,000.00 元：省级创新券补助 30% 即 3,000.00 元，市级再补助 10% 即 "
                             "1,000.00 元，合计 4,000.00 元（明政发〔2020〕1号 第5条）。")
    # the rule's parameter closes at the end of 2025: the programme's own share applies
    later = subsidy.compute(Decimal("10000"), category="instrument", networked_instrument=True,
                            performed_on=dt.date(2026, 3, 1), small_or_team=True, programme_share=Decimal("0.5"))
    assert (later.province, later.city, later.citation) == (Decimal("0.00"), Decimal("5000.00"), "明政发〔2020〕1号 第4条")
    assert subsidy.citations() == {"明政发〔2020〕1号 第4条": "M104", "明政发〔2020〕1号 第5条": "M105"}


@pytest.mark.django_db
def test_the_indicators_page_shows_the_fictional_citys_targets(minghu) -> None:
    """The plans' targets are the jurisdiction's: 明湖市's catalogue is synced and its dashboard, an indicator's page
    and the staff home show its targets, areas and departments, and none of the Weihai package's."""
    from indicators.catalogue import sync
    from indicators.models import Indicator, Observation

    load_reference(Region, IndustryChain)
    assert sync(Indicator, Region) == 3
    optics = Indicator.objects.get(code="m.lake_optics_output")
    assert (optics.jurisdiction.code, optics.document, optics.department, optics.districts) == (
        "MH", "明政发〔2020〕1号", "明湖市科技创新局", True)
    assert Indicator.objects.get(code="m.east_bank_platforms").jurisdiction.name == "东岸新区"
    bureau = User.objects.create_user("minghu_ind", password="x", role="bureau")
    Observation.objects.create(indicator=optics, year=2023, region=optics.jurisdiction, value=Decimal("62.5"),
                               source="明湖市统计公报", entered_by=bureau)
    c = Client()
    c.force_login(bureau)
    page = c.get("/indicators/?year=2024").content.decode()
    assert "<h2>明湖市创新主要指标表（M1 第1条）</h2>" in page and "<h2>明湖市创新目标（M1 正文）</h2>" in page
    assert "湖区光学产业产值" in page and "62.5" in page and "共 3 项指标" in page
    assert "东岸新区" in page and "由明湖市科技创新局提供年度统计数据" in page
    assert "威海" not in page and "荣成" not in page and "研发经费投入增长" not in page
    assert c.get("/indicators/m.lake_optics_output/").status_code == 200
    home = c.get("/").content.decode()
    assert "明湖市创新主要指标表（M1 第1条）及M1 文件中的 3 项目标" in home


def test_the_calculator_service_explains_with_the_fictional_parameters(minghu) -> None:
    situation = {"kind": "enterprise", "region": "MH01",
                 "recognitions": [{"kind": "award", "subject": "minghu_prize", "occurred_on": "2025-04-01"},
                                  {"kind": "financing", "subject": "minghu_loan", "occurred_on": "2025-05-01",
                                   "amount": "8000000"}],
                 "annual_facts": {"2025": {"invention_patents_granted": "7"}}}
    got = {r.provision_id: r for r in services.evaluate_situation(situation, "2025").results}
    assert got["M1.03.prize"].amount == Decimal("300000.00")
    assert got["M1.03.prize"].explanation == "2025-04-01 明湖创新奖：30 万元（明政发〔2020〕1号 第3条）"
    assert got["M1.03.loan_interest"].amount == Decimal("100000.00")
    assert "贷款额 800 万元 × 2% = 16 万元" in got["M1.03.loan_interest"].explanation
    assert "超过每家每年最高 10 万元" in got["M1.03.loan_interest"].explanation
    assert got["M2.02.patent_reward"].explanation.startswith("2025 年发明专利授权 7 件，达到 5 件以上")
    changed = services.evaluate_situation(situation, "2025", overrides={"m1.art_03.loan_rate": "0.01",
                                                                       "m2.art_02.threshold": "6"})
    text = {r.provision_id: r.explanation for r in changed.results}
    assert "× 1% = 8 万元" in text["M1.03.loan_interest"] and "达到 6 件以上" in text["M2.02.patent_reward"]
    # the document's window: the second document ends in 2026
    assert "M2.02.patent_reward" not in {r.provision_id for r in services.evaluate_situation(
        {**situation, "annual_facts": {"2027": {"invention_patents_granted": "9"}}}, "2027").results}


@pytest.mark.django_db
def test_catalogue_page_screening_and_whatif(minghu) -> None:
    from huey.contrib.djhuey import HUEY

    from screening import services as screening
    from screening.models import ScreeningRun

    load_reference(Region, IndustryChain)  # the fictional city's own regions and chain, from its package
    regions = [Region.objects.get(code=code, name=name, kind=Region.Kind.DIVISION, parent__code="MH")
               for code, name in REGIONS.items()]
    assert IndustryChain.objects.filter(code="lake_optics", cluster="光电产业").exists()
    bureau = User.objects.create_user("minghu_bureau", password="x", role="bureau")
    for n in range(6):
        org = Organization.objects.create(kind="enterprise", name=f"明湖企业{n}", uscc=f"91MH0000000000{n:04d}",
                                          region=regions[n % 2])
        if n % 2 == 0:
            Recognition.objects.create(organization=org, kind="award", subject="minghu_prize", occurred_on="2025-04-01")
        AnnualFacts.objects.create(organization=org, year=2025, invention_patents_granted=n)

    c = Client()
    c.force_login(bureau)
    page = c.get("/policy/").content.decode()
    assert "明政发〔2020〕1号 第3条" in page and "明湖创新奖奖励" in page and "威政发" not in page
    assert "· 明湖市科技服务平台</title>" in page and " · 明湖市科技服务平台</span>" in page  # the jurisdiction's title
    assert "威海" not in page

    previous, HUEY.immediate = HUEY.immediate, True
    try:
        run = screening.start_run(bureau, year=2025)
        assert run.status == ScreeningRun.Status.DONE, run.error
        paid = {(r.provision_id, r.organization.name) for r in run.results.all() if r.status == "applies"}
        assert {p for p, _ in paid} <= {"M1.03.prize", "M2.02.patent_reward"}
        assert len([1 for p, _ in paid if p == "M1.03.prize"]) == 3
        assert all(r.document == "明政发〔2020〕1号" for r in run.results.filter(provision_id="M1.03.prize"))
        whatif = screening.start_run(bureau, year=2025, kind=ScreeningRun.Kind.WHATIF,
                                     overrides={"m1.art_03.prize": "400000"})
        assert whatif.status == ScreeningRun.Status.DONE, whatif.error
        assert screening.whatif_comparison(whatif).delta_amount == 3 * 100000
    finally:
        HUEY.immediate = previous


@pytest.mark.django_db
def test_portal_pages_name_the_fictional_city(minghu) -> None:
    """The public front door and catalogue print the jurisdiction's names and documents; its documents have no original
    text in settings.POLICY_DIR, so they are listed without a link and their page is not found."""
    c = Client()
    home = c.get("/").content.decode()
    assert "<h1>明湖市科技服务平台</h1>" in home and "一个平台看清明湖市科技创新政策" in home
    assert "明湖市鼓励创新若干措施（明政发〔2020〕1号）" in home and "/portal/documents/M1/" not in home
    assert "威海" not in home and "威政发" not in home
    catalogue = c.get("/portal/catalogue/").content.decode()
    assert "明湖市科技创新政策中已逐条编码的奖补政策" in catalogue and "点击依据可查看文件原文" not in catalogue
    assert "明湖市鼓励创新若干措施（明政发〔2020〕1号）" in catalogue and "依据：明政发〔2020〕1号 第3条" in catalogue
    assert '<option value="M2">明政发〔2024〕2号</option>' in catalogue and "共 3 项" in catalogue
    assert "威海" not in catalogue and "威政发" not in catalogue
    only_m2 = c.get("/portal/catalogue/?document=M2").content.decode()
    assert "发明专利授权奖励" in only_m2 and "明湖创新奖奖励" not in only_m2
    assert c.get("/portal/documents/M1/").status_code == 404
    register = c.get("/portal/register/").content.decode()
    assert "在明湖市登记的企业" in register and "威海" not in register
