"""The remaining quantitative provisions of B (威政发〔2023〕5号) and A (威政发〔2018〕20号): per provision a case that
qualifies, one that does not, one at its cap (or its fixed/highest amount) and one at the edge of its window in force.

Each test names the provision id and cites document and article; the coverage report counts them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy import services
from policy.tests.helpers import amounts, event, qual, results, situation

W = Decimal(10000)  # 1 万元


def one(kind: str, subject: str, on: str, level: str = "", org: str = "enterprise", quals: list | None = None,
        **kw) -> dict:
    return situation(kind=org, quals=quals, events=[event(kind, on, subject, level, **kw)])


def many(kind: str, subject: str, pairs: list[tuple[str, str | None]], org: str = "enterprise",
         quals: list | None = None, **kw) -> dict:
    evs = [event(kind, on, subject, **({"amount": a} if a is not None else {}), **kw) for on, a in pairs]
    return situation(kind=org, quals=quals, events=evs)


def only(sit: dict, year: int, pid: str) -> services.ProvisionResult:
    r = results(sit, year)
    assert pid in r, r
    return r[pid]


# ======================================================================== B (威政发〔2023〕5号, 2023-07-13 – 2028-07-12)

# ---- B.04.new_rd_institution_ceiling（第4条）


def test_b04_new_rd_institution_ceiling_qualifies_at_cap():
    """B.04.new_rd_institution_ceiling (威政发〔2023〕5号 第4条): city new R&D institution rated 优秀 → ≤50 万 (ceiling)."""
    r = only(one("platform_evaluation", "new_rd_institution", "2024-03-01", "city", "research_institution",
                 grade="优秀"), 2024, "B.04.new_rd_institution_ceiling")
    assert r.status == "applies" and r.amount == 50 * W and r.is_ceiling
    assert "不超过 50 万元（择优，需评审）" in r.explanation and "需评审" in r.caveats[0]


def test_b04_new_rd_institution_ceiling_offsite_path():
    """B.04.new_rd_institution_ceiling (第4条): an enterprise's off-site R&D institution (人才飞地) rated 优秀 → ≤50 万."""
    assert amounts(one("platform_evaluation", "offsite_rd_institution", "2024-03-01", grade="优秀"), 2024) == {
        "B.04.new_rd_institution_ceiling": 50 * W}


def test_b04_new_rd_institution_ceiling_does_not_qualify():
    """B.04.new_rd_institution_ceiling (第4条): evaluation not 优秀, or a provincial institution → nothing."""
    assert amounts(one("platform_evaluation", "new_rd_institution", "2024-03-01", "city", "research_institution"),
                   2024) == {}
    assert amounts(one("platform_evaluation", "new_rd_institution", "2024-03-01", "provincial", grade="优秀"),
                   2024) == {}


def test_b04_new_rd_institution_ceiling_window_edge():
    """B.04.new_rd_institution_ceiling (第4条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert amounts(one("platform_evaluation", "new_rd_institution", "2023-07-12", "city", grade="优秀"), 2023) == {}
    assert amounts(one("platform_evaluation", "new_rd_institution", "2023-07-13", "city", grade="优秀"), 2023) == {
        "B.04.new_rd_institution_ceiling": 50 * W}


# ---- B.07.open_challenge_project_ceiling（第7条）


def test_b07_open_challenge_project_ceiling_qualifies_at_cap():
    """B.07.open_challenge_project_ceiling (威政发〔2023〕5号 第7条): city 揭榜挂帅 project → ≤200 万 (ceiling)."""
    r = only(one("project", "open_challenge_project", "2024-05-01", "city"), 2024, "B.07.open_challenge_project_ceiling")
    assert r.amount == 200 * W and r.is_ceiling and "揭榜挂帅项目" in r.explanation


def test_b07_open_challenge_project_ceiling_does_not_qualify_national():
    """B.07.open_challenge_project_ceiling (第7条): a national project (争取上级资金) is not the city support → nothing."""
    assert amounts(one("project", "open_challenge_project", "2024-05-01", "national"), 2024) == {}


def test_b07_open_challenge_project_ceiling_window_edge():
    """B.07.open_challenge_project_ceiling (第7条): 技术总师负责制 2028-07-12 → ≤200 万; 2028-07-13 (expired) → nothing."""
    assert amounts(one("project", "chief_engineer_project", "2028-07-12", "city"), 2028) == {
        "B.07.open_challenge_project_ceiling": 200 * W}
    assert amounts(one("project", "chief_engineer_project", "2028-07-13", "city"), 2028) == {}


# ---- B.11.joint_rd_institution_ceiling（第11条）


def test_b11_joint_rd_institution_ceiling_qualifies_at_cap():
    """B.11.joint_rd_institution_ceiling (威政发〔2023〕5号 第11条): performance evaluation → ≤50 万 (ceiling)."""
    r = only(one("platform_evaluation", "joint_rd_institution", "2024-06-01"), 2024, "B.11.joint_rd_institution_ceiling")
    assert r.amount == 50 * W and r.is_ceiling


def test_b11_joint_rd_institution_ceiling_does_not_qualify_on_approval():
    """B.11.joint_rd_institution_ceiling (第11条): the support follows the evaluation, not the set-up → nothing."""
    assert amounts(one("platform_approval", "joint_rd_institution", "2024-06-01"), 2024) == {}


def test_b11_joint_rd_institution_ceiling_window_edge():
    """B.11.joint_rd_institution_ceiling (第11条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert amounts(one("platform_evaluation", "joint_rd_institution", "2023-07-12"), 2023) == {}
    assert amounts(one("platform_evaluation", "joint_rd_institution", "2023-07-13"), 2023) == {
        "B.11.joint_rd_institution_ceiling": 50 * W}


# ---- B.13.innovation_event_ceiling（第13条）


def test_b13_innovation_event_ceiling_qualifies_at_cap():
    """B.13.innovation_event_ceiling (威政发〔2023〕5号 第13条): co-hosting a provincial contest → ≤100 万 (ceiling)."""
    r = only(one("other", "innovation_event_host", "2024-09-01", "provincial", "research_institution", role="co_host"),
             2024, "B.13.innovation_event_ceiling")
    assert r.amount == 100 * W and r.is_ceiling and any("实际支出" in c for c in r.caveats)


def test_b13_innovation_event_ceiling_does_not_qualify_below_city_level():
    """B.13.innovation_event_ceiling (第13条): an activity without level (below 市级以上) → nothing."""
    assert amounts(one("other", "innovation_event_host", "2024-09-01"), 2024) == {}


def test_b13_innovation_event_ceiling_window_edge_a16_before():
    """B.13.innovation_event_ceiling (第13条) / A 第16条: 2023-07-12 is paid under A (A.16), 2023-07-13 under B."""
    assert amounts(one("other", "innovation_event_host", "2023-07-13", "city"), 2023) == {
        "B.13.innovation_event_ceiling": 100 * W}
    assert "B.13.innovation_event_ceiling" not in amounts(one("other", "innovation_event_host", "2023-07-12", "city"),
                                                          2023)


# ---- B.14.tech_transfer_agency_ceiling（第14条, second sentence）


def agency(*days: str, grade: str = "优秀", level: str = "city") -> dict:
    return situation(kind="service_provider", events=[event("platform_evaluation", d, "tech_transfer_agency", level,
                                                            grade=grade) for d in days])


def test_b14_tech_transfer_agency_ceiling_qualifies():
    """B.14.tech_transfer_agency_ceiling (威政发〔2023〕5号 第14条): city agency rated 优秀 → ≤10 万 (ceiling)."""
    r = only(agency("2024-12-01"), 2024, "B.14.tech_transfer_agency_ceiling")
    assert r.amount == 10 * W and r.is_ceiling and "技术转移服务机构" in r.explanation


def test_b14_tech_transfer_agency_ceiling_at_cap_per_year():
    """B.14.tech_transfer_agency_ceiling (第14条): two evaluations in one year → still ≤10 万 (每家)."""
    r = only(agency("2024-03-01", "2024-12-01"), 2024, "B.14.tech_transfer_agency_ceiling")
    assert r.amount == 10 * W and "按上限计" in r.explanation


def test_b14_tech_transfer_agency_ceiling_does_not_qualify():
    """B.14.tech_transfer_agency_ceiling (第14条): rated other than 优秀, or a provincial agency → nothing."""
    assert amounts(agency("2024-12-01", grade="一等奖"), 2024) == {}
    assert amounts(agency("2024-12-01", level="provincial"), 2024) == {}


def test_b14_tech_transfer_agency_ceiling_window_edge():
    """B.14.tech_transfer_agency_ceiling (第14条): 2023-07-12 → nothing; 2023-07-13 → ≤10 万."""
    assert amounts(agency("2023-07-12"), 2023) == {}
    assert amounts(agency("2023-07-12", "2023-07-13"), 2023) == {"B.14.tech_transfer_agency_ceiling": 10 * W}


# ---- B.15.startup_landing_ceiling（第15条）


def test_b15_startup_landing_ceiling_qualifies_at_threshold_and_cap():
    """B.15.startup_landing_ceiling (威政发〔2023〕5号 第15条): 实物工作量 exactly 100 万 (含) → ≤50 万 one-off."""
    r = only(one("other", "cooperation_event_startup", "2024-04-01", amount="1000000"), 2024,
             "B.15.startup_landing_ceiling")
    assert r.status == "applies" and r.amount == 50 * W and r.is_ceiling


def test_b15_startup_landing_ceiling_near_below_threshold_or_missing():
    """B.15.startup_landing_ceiling (第15条): 99.99 万 → near (未达到 100 万); no amount → near (缺少实物工作量)."""
    r = only(one("other", "cooperation_event_startup", "2024-04-01", amount="999900"), 2024,
             "B.15.startup_landing_ceiling")
    assert r.status == "near" and "未达到 100 万元" in r.missing
    r = only(one("other", "cooperation_event_startup", "2024-04-01"), 2024, "B.15.startup_landing_ceiling")
    assert r.status == "near" and "缺少实物工作量" in r.missing


def test_b15_startup_landing_ceiling_does_not_qualify_non_enterprise():
    """B.15.startup_landing_ceiling (第15条): a research institution is not a landed tech enterprise → nothing."""
    assert "B.15.startup_landing_ceiling" not in results(
        one("other", "cooperation_event_startup", "2024-04-01", org="research_institution", amount="2000000"), 2024)


def test_b15_startup_landing_ceiling_window_edge():
    """B.15.startup_landing_ceiling (第15条): 2023-07-12 → nothing (not even near); 2023-07-13 → ≤50 万."""
    assert "B.15.startup_landing_ceiling" not in results(
        one("other", "cooperation_event_startup", "2023-07-12", amount="2000000"), 2023)
    assert amounts(one("other", "cooperation_event_startup", "2023-07-13", amount="2000000"), 2023) == {
        "B.15.startup_landing_ceiling": 50 * W}


# ---- B.17.cultivation_agency_ceiling（第17条, second sentence）


def test_b17_cultivation_agency_ceiling_qualifies_at_cap():
    """B.17.cultivation_agency_ceiling (威政发〔2023〕5号 第17条): HTE cultivation agency evaluated → ≤50 万."""
    r = only(one("platform_evaluation", "hte_cultivation_agency", "2025-03-01", org="service_provider"), 2025,
             "B.17.cultivation_agency_ceiling")
    assert r.amount == 50 * W and r.is_ceiling


def test_b17_cultivation_agency_ceiling_does_not_qualify_other_subject():
    """B.17.cultivation_agency_ceiling (第17条): a certification of the agency is not the performance evaluation."""
    assert amounts(one("certification", "hte_cultivation_agency", "2025-03-01", org="service_provider"), 2025) == {}


def test_b17_cultivation_agency_ceiling_window_edge():
    """B.17.cultivation_agency_ceiling (第17条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert amounts(one("platform_evaluation", "hte_cultivation_agency", "2023-07-12", org="service_provider"),
                   2023) == {}
    assert amounts(one("platform_evaluation", "hte_cultivation_agency", "2023-07-13", org="service_provider"),
                   2023) == {"B.17.cultivation_agency_ceiling": 50 * W}


# ---- B.18.consortium_project_ceiling（第18条, first sentence）


def test_b18_consortium_project_ceiling_qualifies_at_cap():
    """B.18.consortium_project_ceiling (威政发〔2023〕5号 第18条): chain research project of a consortium → ≤200 万."""
    r = only(one("project", "consortium_chain_project", "2024-08-01", role="lead"), 2024,
             "B.18.consortium_project_ceiling")
    assert r.amount == 200 * W and r.is_ceiling


def test_b18_consortium_project_ceiling_does_not_qualify_registration():
    """B.18.consortium_project_ceiling (第18条): registering a city consortium is the 10 万 grant, not the ≤200 万."""
    assert amounts(one("platform_approval", "innovation_consortium", "2024-08-01", "city"), 2024) == {
        "B.18.city_consortium_grant": 10 * W}


def test_b18_consortium_project_ceiling_window_edge():
    """B.18.consortium_project_ceiling (第18条): 2023-07-12 → nothing; 2023-07-13 → ≤200 万."""
    assert amounts(one("project", "consortium_chain_project", "2023-07-12"), 2023) == {}
    assert amounts(one("project", "consortium_chain_project", "2023-07-13"), 2023) == {
        "B.18.consortium_project_ceiling": 200 * W}


# ---- B.19.talent_service_fee_ceiling（第19条）


def test_b19_talent_service_fee_ceiling_qualifies_at_cap():
    """B.19.talent_service_fee_ceiling (威政发〔2023〕5号 第19条): commissioned talent/project matching → ≤50 万 fee."""
    r = only(one("project", "talent_service_commission", "2024-02-01", org="service_provider"), 2024,
             "B.19.talent_service_fee_ceiling")
    assert r.amount == 50 * W and r.is_ceiling and "委托服务" in r.explanation


def test_b19_talent_service_fee_ceiling_does_not_qualify_talent_event():
    """B.19.talent_service_fee_ceiling (第19条): a talent selection is not a commissioned service → nothing."""
    assert amounts(one("talent", "talent_service_commission", "2024-02-01", org="service_provider"), 2024) == {}


def test_b19_talent_service_fee_ceiling_window_edge():
    """B.19.talent_service_fee_ceiling (第19条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert amounts(one("project", "talent_service_commission", "2023-07-12", org="service_provider"), 2023) == {}
    assert amounts(one("project", "talent_service_commission", "2023-07-13", org="service_provider"), 2023) == {
        "B.19.talent_service_fee_ceiling": 50 * W}


# ---- B.21.foreign_expert_station_ceiling（第21条, first amount）


def test_b21_foreign_expert_station_ceiling_qualifies_at_cap():
    """B.21.foreign_expert_station_ceiling (威政发〔2023〕5号 第21条): station branch rated 优秀 → ≤20 万 (ceiling)."""
    r = only(one("platform_evaluation", "foreign_expert_station_branch", "2024-11-01", org="platform", grade="优秀"),
             2024, "B.21.foreign_expert_station_ceiling")
    assert r.amount == 20 * W and r.is_ceiling


def test_b21_foreign_expert_station_ceiling_does_not_qualify_without_excellent():
    """B.21.foreign_expert_station_ceiling (第21条): evaluated but not 优秀 → nothing."""
    assert amounts(one("platform_evaluation", "foreign_expert_station_branch", "2024-11-01", org="platform"),
                   2024) == {}


def test_b21_foreign_expert_station_ceiling_window_edge():
    """B.21.foreign_expert_station_ceiling (第21条): 2023-07-12 → nothing; 2023-07-13 → ≤20 万."""
    sit = one("platform_evaluation", "foreign_expert_station_branch", "2023-07-12", org="platform", grade="优秀")
    assert amounts(sit, 2023) == {}
    sit["recognitions"][0]["occurred_on"] = "2023-07-13"
    assert amounts(sit, 2023) == {"B.21.foreign_expert_station_ceiling": 20 * W}


# ---- B.23.transformation_loan_interest_ceiling（第23条）


SME = [qual("tech_sme", "2023-01-01")]


def test_b23_transformation_loan_interest_ceiling_qualifies():
    """B.23.transformation_loan_interest_ceiling (威政发〔2023〕5号 第23条): tech SME, first filing → ≤50 万 (省级贴息)."""
    r = only(one("financing", "transformation_loan", "2024-04-01", quals=SME), 2024,
             "B.23.transformation_loan_interest_ceiling")
    assert r.amount == 50 * W and r.is_ceiling and any("省级贴息" in c for c in r.caveats)


def test_b23_transformation_loan_interest_ceiling_at_cap_per_enterprise():
    """B.23.transformation_loan_interest_ceiling (第23条): two loans in a year → still ≤50 万 per enterprise."""
    sit = many("financing", "transformation_loan", [("2024-04-01", None), ("2024-09-01", None)], quals=SME)
    assert amounts(sit, 2024) == {"B.23.transformation_loan_interest_ceiling": 50 * W}


def test_b23_transformation_loan_interest_ceiling_near_without_tech_sme():
    """B.23.transformation_loan_interest_ceiling (第23条): not a tech SME → near, naming the qualification."""
    r = only(one("financing", "transformation_loan", "2024-04-01"), 2024, "B.23.transformation_loan_interest_ceiling")
    assert r.status == "near" and "科技型中小企业" in r.missing


def test_b23_transformation_loan_interest_ceiling_window_edge():
    """B.23.transformation_loan_interest_ceiling (第23条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert amounts(one("financing", "transformation_loan", "2023-07-12", quals=SME), 2023) == {}
    assert amounts(one("financing", "transformation_loan", "2023-07-13", quals=SME), 2023) == {
        "B.23.transformation_loan_interest_ceiling": 50 * W}


# ---- B.24.chokepoint_project_ceiling and B.24.chokepoint_insurance_subsidy（第24条）


HTE = [qual("high_tech_enterprise", "2022-01-01")]


def test_b24_chokepoint_project_ceiling_qualifies_at_cap():
    """B.24.chokepoint_project_ceiling (威政发〔2023〕5号 第24条): HTE's 卡脖子 project → ≤50 万 “拨”款 (ceiling)."""
    r = only(one("project", "chokepoint_project", "2024-06-01", quals=HTE), 2024, "B.24.chokepoint_project_ceiling")
    assert r.amount == 50 * W and r.is_ceiling


def test_b24_chokepoint_project_ceiling_near_without_hte():
    """B.24.chokepoint_project_ceiling (第24条): the project pool is for high-tech enterprises → near otherwise."""
    r = only(one("project", "chokepoint_project", "2024-06-01"), 2024, "B.24.chokepoint_project_ceiling")
    assert r.status == "near" and "高新技术企业" in r.missing


def test_b24_chokepoint_project_ceiling_window_edge():
    """B.24.chokepoint_project_ceiling (第24条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert "B.24.chokepoint_project_ceiling" not in results(one("project", "chokepoint_project", "2023-07-12",
                                                                quals=HTE), 2023)
    assert amounts(one("project", "chokepoint_project", "2023-07-13", quals=HTE), 2023) == {
        "B.24.chokepoint_project_ceiling": 50 * W}


def test_b24_chokepoint_insurance_subsidy_qualifies():
    """B.24.chokepoint_insurance_subsidy (威政发〔2023〕5号 第24条): premium 10 万 × 50% = 5 万 (not a ceiling)."""
    r = only(one("financing", "chokepoint_rd_insurance", "2024-03-01", amount="100000"), 2024,
             "B.24.chokepoint_insurance_subsidy")
    assert r.amount == 5 * W and not r.is_ceiling and "实际支出保费 10 万元 × 50% = 5 万元" in r.explanation


def test_b24_chokepoint_insurance_subsidy_at_cap_across_events():
    """B.24.chokepoint_insurance_subsidy (第24条): 30 万 + 20 万 premiums → 25 万, capped at 20 万 per enterprise-year."""
    r = only(many("financing", "chokepoint_rd_insurance", [("2024-03-01", "300000"), ("2024-05-01", "200000")]), 2024,
             "B.24.chokepoint_insurance_subsidy")
    assert r.amount == 20 * W and "超过每家每年最高 20 万元，按上限计" in r.explanation


def test_b24_chokepoint_insurance_subsidy_does_not_qualify():
    """B.24.chokepoint_insurance_subsidy (第24条): another insurance, or a non-enterprise → nothing; no premium → near."""
    assert amounts(one("financing", "ip_pledge_insurance", "2024-03-01", amount="100000"), 2024).get(
        "B.24.chokepoint_insurance_subsidy") is None
    with pytest.raises(services.PolicyInputError, match="subject：未知的代码"):  # issue 27 item 5: strict codes
        amounts(one("financing", "ip_pledge_insurance_other", "2024-03-01", amount="100000"), 2024)
    assert amounts(one("financing", "chokepoint_rd_insurance", "2024-03-01", org="research_institution",
                       amount="100000"), 2024) == {}
    assert only(one("financing", "chokepoint_rd_insurance", "2024-03-01"), 2024,
                "B.24.chokepoint_insurance_subsidy").status == "near"


def test_b24_chokepoint_insurance_subsidy_window_edge():
    """B.24.chokepoint_insurance_subsidy (第24条): premium paid 2023-07-12 → nothing; 2023-07-13 → 50%."""
    sit = many("financing", "chokepoint_rd_insurance", [("2023-07-12", "100000"), ("2023-07-13", "100000")])
    assert amounts(sit, 2023) == {"B.24.chokepoint_insurance_subsidy": 5 * W}


# ---- B.27.tech_bank_loan_interest_ceiling（第27条）


def test_b27_tech_bank_loan_interest_ceiling_qualifies():
    """B.27.tech_bank_loan_interest_ceiling (威政发〔2023〕5号 第27条): HTE, 1000 万 loan → ≤1% = 10 万 (ceiling)."""
    r = only(one("financing", "tech_bank_loan", "2024-03-01", quals=HTE, amount="10000000"), 2024,
             "B.27.tech_bank_loan_interest_ceiling")
    assert r.amount == 10 * W and r.is_ceiling and "× 1%" in r.explanation


def test_b27_tech_bank_loan_interest_ceiling_at_loan_cap():
    """B.27.tech_bank_loan_interest_ceiling (第27条): 2000 万 + 2000 万 loans → counted 3000 万 → ≤30 万."""
    sit = many("financing", "tech_bank_loan", [("2024-03-01", "20000000"), ("2024-06-01", "20000000")],
               quals=[qual("specialised_sme", "2024-01-01")])
    r = only(sit, 2024, "B.27.tech_bank_loan_interest_ceiling")
    assert r.amount == 30 * W and "3000 万元" in r.explanation


def test_b27_tech_bank_loan_interest_ceiling_does_not_qualify():
    """B.27.tech_bank_loan_interest_ceiling (第27条): no listed status → near; a research institution → nothing."""
    r = only(one("financing", "tech_bank_loan", "2024-03-01", amount="10000000"), 2024,
             "B.27.tech_bank_loan_interest_ceiling")
    assert r.status == "near" and "高新技术企业" in r.missing
    assert amounts(one("financing", "tech_bank_loan", "2024-03-01", org="research_institution", amount="10000000"),
                   2024) == {}


def test_b27_tech_bank_loan_interest_ceiling_window_edge():
    """B.27.tech_bank_loan_interest_ceiling (第27条): loan of 2023-07-12 not counted; 2023-07-13 counted."""
    sit = many("financing", "tech_bank_loan", [("2023-07-12", "10000000"), ("2023-07-13", "5000000")],
               quals=[qual("leading_tech_enterprise", "2023-01-01")])
    assert amounts(sit, 2023) == {"B.27.tech_bank_loan_interest_ceiling": 5 * W}


# ---- B.30.instrument_voucher_subsidy（第30条）


def test_b30_instrument_voucher_subsidy_qualifies():
    """B.30.instrument_voucher_subsidy (威政发〔2023〕5号 第30条): 10 万 service fee → city 20% = 2 万 (no cap stated)."""
    r = only(one("other", "shared_instrument_service", "2024-03-01", amount="100000"), 2024,
             "B.30.instrument_voucher_subsidy")
    assert r.amount == 2 * W and not r.is_ceiling and any("40%" in c for c in r.caveats)


def test_b30_instrument_voucher_subsidy_no_cap_each_event():
    """B.30.instrument_voucher_subsidy (第30条): no cap in the text — 500 万 + 100 万 fees → 100 万 + 20 万."""
    sit = many("other", "shared_instrument_service", [("2024-03-01", "5000000"), ("2024-04-01", "1000000")])
    assert amounts(sit, 2024) == {"B.30.instrument_voucher_subsidy": 120 * W}


def test_b30_instrument_voucher_subsidy_does_not_qualify():
    """B.30.instrument_voucher_subsidy (第30条): a research institution is not a 中小微企业 → nothing; no fee → near."""
    assert amounts(one("other", "shared_instrument_service", "2024-03-01", org="research_institution",
                       amount="100000"), 2024) == {}
    assert only(one("other", "shared_instrument_service", "2024-03-01"), 2024,
                "B.30.instrument_voucher_subsidy").status == "near"


def test_b30_instrument_voucher_subsidy_window_edge():
    """B.30.instrument_voucher_subsidy (第30条): 2028-07-12 → 20%; 2028-07-13 (expired) → nothing."""
    sit = many("other", "shared_instrument_service", [("2028-07-12", "100000"), ("2028-07-13", "100000")])
    assert amounts(sit, 2028) == {"B.30.instrument_voucher_subsidy": 2 * W}


# ---- B.31.pilot_base_ceiling（第31条）


def test_b31_pilot_base_ceiling_qualifies():
    """B.31.pilot_base_ceiling (威政发〔2023〕5号 第31条): city-registered pilot base, annual evaluation → ≤50 万."""
    r = only(one("platform_evaluation", "pilot_base", "2024-12-01", "city", "platform"), 2024, "B.31.pilot_base_ceiling")
    assert r.amount == 50 * W and r.is_ceiling


def test_b31_pilot_base_ceiling_at_cap_per_year():
    """B.31.pilot_base_ceiling (第31条): two evaluations in one year → ≤50 万 (one annual evaluation's amount)."""
    sit = situation(kind="platform", events=[event("platform_evaluation", d, "pilot_base", "provincial")
                                             for d in ("2024-03-01", "2024-12-01")])
    assert amounts(sit, 2024) == {"B.31.pilot_base_ceiling": 50 * W}


def test_b31_pilot_base_ceiling_does_not_qualify_unregistered():
    """B.31.pilot_base_ceiling (第31条): a base without a registration level (市级以上备案) → nothing."""
    assert amounts(one("platform_evaluation", "pilot_base", "2024-12-01", "", "platform"), 2024) == {}


def test_b31_pilot_base_ceiling_window_edge():
    """B.31.pilot_base_ceiling (第31条): 2023-07-12 → nothing; 2023-07-13 → ≤50 万."""
    assert amounts(one("platform_evaluation", "pilot_base", "2023-07-12", "city", "platform"), 2023) == {}
    assert amounts(one("platform_evaluation", "pilot_base", "2023-07-13", "city", "platform"), 2023) == {
        "B.31.pilot_base_ceiling": 50 * W}


# ---- B.32.science_popularization_ceiling（第32条）


def test_b32_science_popularization_ceiling_qualifies_at_cap():
    """B.32.science_popularization_ceiling (威政发〔2023〕5号 第32条): effective science popularisation → ≤10 万."""
    r = only(one("other", "science_popularization", "2024-05-20", org="research_institution"), 2024,
             "B.32.science_popularization_ceiling")
    assert r.amount == 10 * W and r.is_ceiling


def test_b32_science_popularization_ceiling_does_not_qualify_other_subject():
    """B.32.science_popularization_ceiling (第32条): another activity → nothing."""
    assert amounts(one("other", "other", "2024-05-20"), 2024) == {}
    with pytest.raises(services.PolicyInputError, match="subject：未知的代码"):  # issue 27 item 5: strict codes
        amounts(one("other", "science_exhibition", "2024-05-20"), 2024)


def test_b32_science_popularization_ceiling_window_edge():
    """B.32.science_popularization_ceiling (第32条): 2023-07-12 → nothing; 2023-07-13 → ≤10 万."""
    assert amounts(one("other", "science_popularization", "2023-07-12"), 2023) == {}
    assert amounts(one("other", "science_popularization", "2023-07-13"), 2023) == {
        "B.32.science_popularization_ceiling": 10 * W}


# ---- properties of the capped ones


@settings(max_examples=40, deadline=None)
@given(premiums=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=5),
       more=st.integers(min_value=0, max_value=10**8))
def test_b24_chokepoint_insurance_subsidy_capped_and_monotone(premiums, more):
    """B.24.chokepoint_insurance_subsidy (第24条): 0 ≤ amount ≤ 20 万 per year; another premium never lowers it."""
    pid = "B.24.chokepoint_insurance_subsidy"
    pairs = [("2024-03-01", str(p)) for p in premiums]
    base = amounts(many("financing", "chokepoint_rd_insurance", pairs), 2024).get(pid, Decimal(0))
    grown = amounts(many("financing", "chokepoint_rd_insurance", [*pairs, ("2024-09-01", str(more))]), 2024).get(
        pid, Decimal(0))
    assert Decimal(0) <= base <= 20 * W and grown >= base


@settings(max_examples=40, deadline=None)
@given(loans=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=5))
def test_b27_tech_bank_loan_interest_ceiling_never_above_cap(loans):
    """B.27.tech_bank_loan_interest_ceiling (第27条): never above 3000 万 × 1% = 30 万, never negative."""
    sit = many("financing", "tech_bank_loan", [("2024-03-01", str(a)) for a in loans], quals=HTE)
    assert Decimal(0) <= amounts(sit, 2024).get("B.27.tech_bank_loan_interest_ceiling", Decimal(0)) <= 30 * W


# ======================================================================== A (威政发〔2018〕20号, from 2018-11-13)

OFF = {"a_survives_b": False}


# ---- A.05.new_rd_institution_ceiling（第5条 / D 二（四）1）


def test_a05_new_rd_institution_ceiling_qualifies_at_cap():
    """A.05.new_rd_institution_ceiling (威政发〔2018〕20号 第5条): self-built new R&D institution 2020 → 择优最高 200 万."""
    r = only(one("platform_approval", "new_rd_institution", "2020-05-01", "city", "research_institution"), 2020,
             "A.05.new_rd_institution_ceiling")
    assert r.amount == 200 * W and r.is_ceiling and any("一事一议" in c for c in r.caveats)
    assert any("二（四）1" in c for c in r.caveats)


def test_a05_new_rd_institution_ceiling_does_not_qualify_service_provider():
    """A.05.new_rd_institution_ceiling (第5条): built by a service provider (not 高校院所/企业) → nothing."""
    assert amounts(one("platform_approval", "new_rd_institution", "2020-05-01", org="service_provider"), 2020) == {}


def test_a05_new_rd_institution_ceiling_window_edge_b_replaces():
    """A.05.new_rd_institution_ceiling (第5条): 2023-07-12 → A ≤200 万; 2023-07-13 → B 第4条 applies instead (nothing)."""
    assert amounts(one("platform_approval", "new_rd_institution", "2023-07-12"), 2023) == {
        "A.05.new_rd_institution_ceiling": 200 * W}
    assert amounts(one("platform_approval", "new_rd_institution", "2023-07-13"), 2023) == {}
    assert amounts(one("platform_approval", "new_rd_institution", "2018-11-12"), 2018) == {}


# ---- A.05.city_tic_pilot_grant（第5条 / D 二（四）1）


def test_a05_city_tic_pilot_grant_qualifies_enterprise_and_institution():
    """A.05.city_tic_pilot_grant (威政发〔2018〕20号 第5条): enterprise-led 200 万; institution-led 300 万 (the highest)."""
    assert amounts(one("platform_approval", "technology_innovation_center", "2021-04-01", "city", role="lead"),
                   2021) == {"A.05.city_tic_pilot_grant": 200 * W}
    assert amounts(one("platform_approval", "technology_innovation_center", "2021-04-01", "city",
                       "research_institution", role="lead"), 2021) == {"A.05.city_tic_pilot_grant": 300 * W}


def test_a05_city_tic_pilot_grant_does_not_qualify_without_lead():
    """A.05.city_tic_pilot_grant (第5条): a participant (not 牵头组建) → nothing."""
    assert amounts(one("platform_approval", "technology_innovation_center", "2021-04-01", "city"), 2021) == {}


def test_a05_city_tic_pilot_grant_window_edge_b_replaces():
    """A.05.city_tic_pilot_grant (第5条): 2023-07-12 → A 200 万; 2023-07-13 → B.01.platform_ceiling ≤50 万 instead."""
    assert amounts(one("platform_approval", "technology_innovation_center", "2023-07-12", "city", role="lead"),
                   2023) == {"A.05.city_tic_pilot_grant": 200 * W}
    assert amounts(one("platform_approval", "technology_innovation_center", "2023-07-13", "city", role="lead"),
                   2023) == {"B.01.platform_ceiling": 50 * W}


# ---- A.05.clinical_center_grant（第5条）


def test_a05_clinical_center_grant_qualifies_and_cap():
    """A.05.clinical_center_grant (威政发〔2018〕20号 第5条): first evaluation 100 万; upgrade to provincial 200 万 (max)."""
    assert amounts(one("platform_evaluation", "clinical_research_center", "2020-06-01", "city",
                       "research_institution"), 2020) == {"A.05.clinical_center_grant": 100 * W}
    r = only(one("platform_approval", "clinical_research_center", "2021-06-01", "provincial", "research_institution"),
             2021, "A.05.clinical_center_grant")
    assert r.amount == 200 * W and not r.is_ceiling and any("后续临床研究" in c for c in r.caveats)


def test_a05_clinical_center_grant_does_not_qualify_city_approval():
    """A.05.clinical_center_grant (第5条): approval of a city centre (no evaluation yet) → nothing."""
    assert amounts(one("platform_approval", "clinical_research_center", "2020-06-01", "city"), 2020) == {}


def test_a05_clinical_center_grant_window_edge_b_replaces():
    """A.05.clinical_center_grant (第5条): upgrade 2023-07-12 → A 200 万; 2023-07-13 → B.01 ≤100 万 instead."""
    assert amounts(one("platform_approval", "clinical_research_center", "2023-07-12", "provincial"), 2023) == {
        "A.05.clinical_center_grant": 200 * W}
    assert amounts(one("platform_approval", "clinical_research_center", "2023-07-13", "provincial"), 2023) == {
        "B.01.platform_ceiling": 100 * W}


# ---- A.10.overseas_rd_center_ceiling（第10条 / D 二（四）4）


def test_a10_overseas_rd_center_ceiling_qualifies_at_cap():
    """A.10.overseas_rd_center_ceiling (威政发〔2018〕20号 第10条): overseas R&D centre → 依托单位择优 100 万 (ceiling)."""
    r = only(one("platform_approval", "overseas_rd_center", "2019-09-01"), 2019, "A.10.overseas_rd_center_ceiling")
    assert r.amount == 100 * W and r.is_ceiling and "择优，需评审" in r.explanation


def test_a10_overseas_rd_center_ceiling_does_not_qualify_research_institution():
    """A.10.overseas_rd_center_ceiling (第10条): the article is for enterprises going abroad → institution gets nothing."""
    assert amounts(one("platform_approval", "overseas_rd_center", "2019-09-01", org="research_institution"), 2019) == {}


def test_a10_overseas_rd_center_ceiling_window_edge():
    """A.10.overseas_rd_center_ceiling (第10条): 2023-07-12 → ≤100 万; 2023-07-13 → nothing (B 第4条); 2028-07-13 → A."""
    assert amounts(one("platform_approval", "overseas_rd_center", "2023-07-12"), 2023) == {
        "A.10.overseas_rd_center_ceiling": 100 * W}
    assert amounts(one("platform_approval", "overseas_rd_center", "2023-07-13"), 2023) == {}
    assert amounts(one("platform_approval", "overseas_rd_center", "2028-07-13"), 2028) == {
        "A.10.overseas_rd_center_ceiling": 100 * W}


# ---- A.12.university_science_park_grant（第12条 / D 二（四）2）


def test_a12_university_science_park_grant_qualifies_and_cap():
    """A.12.university_science_park_grant (威政发〔2018〕20号 第12条): provincial 100 万; national 300 万 (the highest)."""
    assert amounts(one("platform_approval", "university_science_park", "2020-03-01", "provincial", "platform"),
                   2020) == {"A.12.university_science_park_grant": 100 * W}
    assert amounts(one("platform_approval", "university_science_park", "2020-03-01", "national", "platform"),
                   2020) == {"A.12.university_science_park_grant": 300 * W}


def test_a12_university_science_park_grant_does_not_qualify_city():
    """A.12.university_science_park_grant (第12条): a city-level park is not an upgrade → nothing."""
    assert amounts(one("platform_approval", "university_science_park", "2020-03-01", "city", "platform"), 2020) == {}


def test_a12_university_science_park_grant_window_edge_b_replaces():
    """A.12.university_science_park_grant (第12条): national 2023-07-12 → 300 万; 2023-07-13 → B.29 ≤100 万 instead."""
    assert amounts(one("platform_approval", "university_science_park", "2023-07-12", "national", "platform"),
                   2023) == {"A.12.university_science_park_grant": 300 * W}
    assert amounts(one("platform_approval", "university_science_park", "2023-07-13", "national", "platform"),
                   2023) == {"B.29.incubator_reward": 100 * W}


# ---- A.14.patent_volume_reward（第14条）


def patents(n: str, year: int, kind: str = "enterprise", field: str = "invention_patents_granted") -> dict:
    return situation(kind=kind, facts={str(year): {field: n}})


def test_a14_patent_volume_reward_qualifies_at_threshold():
    """A.14.patent_volume_reward (威政发〔2018〕20号 第14条): exactly 20 invention patents (20件以上) → 20 万."""
    r = only(patents("20", 2020), 2020, "A.14.patent_volume_reward")
    assert r.amount == 20 * W and "原有政策资助基础上" in r.explanation


def test_a14_patent_volume_reward_does_not_qualify_19():
    """A.14.patent_volume_reward (第14条): 19 patents → nothing."""
    assert amounts(patents("19", 2020), 2020) == {}


def test_a14_patent_volume_reward_fixed_amount_regardless_of_count():
    """A.14.patent_volume_reward (第14条): 500 patents → still the fixed 20 万 (its cap)."""
    assert amounts(patents("500", 2021, "research_institution"), 2021) == {"A.14.patent_volume_reward": 20 * W}


def test_a14_patent_volume_reward_window_interpretation():
    """A.14.patent_volume_reward (第14条): B is silent on patents; 2024 applies unless a_survives_b is off."""
    assert amounts(patents("30", 2024), 2024) == {"A.14.patent_volume_reward": 20 * W}
    assert amounts(patents("30", 2024), 2024, interpretations=OFF) == {}
    assert amounts(patents("30", 2028), 2028, interpretations=OFF) == {"A.14.patent_volume_reward": 20 * W}


# ---- A.14.ip_quality_reward（第14条）


def test_a14_ip_quality_reward_qualifies_each_item():
    """A.14.ip_quality_reward (威政发〔2018〕20号 第14条): the listed amounts of each item."""
    cases = [("other", "provincial_top50_invention_patents", "", 30), ("award", "china_patent_gold_award", "", 100),
             ("award", "china_design_gold_award", "", 30), ("award", "china_patent_excellence_award", "", 20),
             ("award", "shandong_patent_award", "特等奖", 20), ("award", "shandong_patent_award", "一等奖", 10),
             ("award", "shandong_patent_award", "二等奖", 5), ("other", "shandong_key_core_ip", "", 100),
             ("certification", "national_ip_demonstration_enterprise", "", 30),
             ("certification", "national_ip_advantage_enterprise", "", 10)]
    for kind, subject, grade, expected in cases:
        assert amounts(one(kind, subject, "2021-05-01", grade=grade), 2021) == {
            "A.14.ip_quality_reward": expected * W}, subject


def test_a14_ip_quality_reward_at_cap_gold_award():
    """A.14.ip_quality_reward (第14条): 中国专利金奖 100 万 is the highest single amount; fixed, not a ceiling."""
    r = only(one("award", "china_patent_gold_award", "2021-05-01"), 2021, "A.14.ip_quality_reward")
    assert r.amount == 100 * W and not r.is_ceiling and "中国专利金奖" in r.explanation


def test_a14_ip_quality_reward_does_not_qualify():
    """A.14.ip_quality_reward (第14条): Shandong patent third prize (not listed), top-50 for a non-enterprise → nothing."""
    assert amounts(one("award", "shandong_patent_award", "2021-05-01", grade="三等奖"), 2021) == {}
    assert amounts(one("other", "provincial_top50_invention_patents", "2021-05-01", org="research_institution"),
                   2021) == {}


def test_a14_ip_quality_reward_window_edge():
    """A.14.ip_quality_reward (第14条): 2018-11-12 → nothing (A not yet); 2023-07-13 → applies unless a_survives_b off."""
    assert amounts(one("award", "china_patent_gold_award", "2018-11-12"), 2018) == {}
    sit = one("award", "china_patent_gold_award", "2023-07-13")
    assert amounts(sit, 2023) == {"A.14.ip_quality_reward": 100 * W}
    assert amounts(sit, 2023, interpretations=OFF) == {}


# ---- A.15.tech_market_award_reward（第15条 / D 二（四）1）


def test_a15_tech_market_award_reward_qualifies_and_cap():
    """A.15.tech_market_award_reward (威政发〔2018〕20号 第15条): national 20 万 (the highest), provincial 10 万."""
    assert amounts(one("award", "technology_market_award", "2020-10-01", "national", "service_provider"), 2020) == {
        "A.15.tech_market_award_reward": 20 * W}
    assert amounts(one("award", "technology_market_award", "2020-10-01", "provincial", "service_provider"), 2020) == {
        "A.15.tech_market_award_reward": 10 * W}


def test_a15_tech_market_award_reward_does_not_qualify_city():
    """A.15.tech_market_award_reward (第15条): a city award is not 国家、省技术市场奖励 → nothing."""
    assert amounts(one("award", "technology_market_award", "2020-10-01", "city"), 2020) == {}


def test_a15_tech_market_award_reward_window_interpretation():
    """A.15.tech_market_award_reward (第15条): B silent → 2023-07-13 applies; off with a_survives_b=False."""
    sit = one("award", "technology_market_award", "2023-07-13", "provincial")
    assert amounts(sit, 2023) == {"A.15.tech_market_award_reward": 10 * W}
    assert amounts(sit, 2023, interpretations=OFF) == {}


# ---- A.16.rural_makerspace_ceiling（第16条）


def test_a16_rural_makerspace_ceiling_qualifies_at_cap():
    """A.16.rural_makerspace_ceiling (威政发〔2018〕20号 第16条): 认定为星创天地 → 择优 100 万 (ceiling)."""
    r = only(one("platform_approval", "rural_makerspace", "2019-06-01", "national", "platform"), 2019,
             "A.16.rural_makerspace_ceiling")
    assert r.amount == 100 * W and r.is_ceiling and "星创天地" in r.explanation


def test_a16_rural_makerspace_ceiling_does_not_qualify_makerspace():
    """A.16.rural_makerspace_ceiling (第16条): an ordinary provincial makerspace is not a 星创天地 → nothing."""
    assert amounts(one("platform_approval", "makerspace", "2019-06-01", "provincial", "platform"), 2019) == {}


def test_a16_rural_makerspace_ceiling_window_interpretation():
    """A.16.rural_makerspace_ceiling (第16条): B silent on 星创天地 → applies 2024; not with a_survives_b off."""
    sit = one("platform_approval", "rural_makerspace", "2024-06-01", "provincial", "platform")
    assert amounts(sit, 2024) == {"A.16.rural_makerspace_ceiling": 100 * W}
    assert amounts(sit, 2024, interpretations=OFF) == {}


# ---- A.16.brand_incubator_matching（第16条 / D 二（四）2）


def brand(on: str, amount: str | None, subject: str = "brand_incubator") -> dict:
    return situation(kind="platform", events=[event("certification", on, subject,
                                                    **({"amount": amount} if amount is not None else {}))])


def test_a16_brand_incubator_matching_qualifies():
    """A.16.brand_incubator_matching (威政发〔2018〕20号 第16条): 省拨 50 万 → 1:1 = 50 万."""
    r = only(brand("2021-09-01", "500000"), 2021, "A.16.brand_incubator_matching")
    assert r.amount == 50 * W and "省拨资金 50 万元 × 1" in r.explanation


def test_a16_brand_incubator_matching_at_cap_equals_provincial():
    """A.16.brand_incubator_matching (第16条): never more than the provincial money (1:1)."""
    assert amounts(brand("2021-09-01", "1234567", "brand_makerspace"), 2021) == {
        "A.16.brand_incubator_matching": Decimal("1234567.00")}


def test_a16_brand_incubator_matching_near_without_amount():
    """A.16.brand_incubator_matching (第16条): no provincial amount → near, naming it (never a silent zero)."""
    r = only(brand("2021-09-01", None), 2021, "A.16.brand_incubator_matching")
    assert r.status == "near" and "省拨资金" in r.missing


def test_a16_brand_incubator_matching_window_edge_b_replaces():
    """A.16.brand_incubator_matching (第16条): 2023-07-12 → 1:1; 2023-07-13 → B.29 fixed 10 万 instead."""
    assert amounts(brand("2023-07-12", "300000"), 2023) == {"A.16.brand_incubator_matching": 30 * W}
    assert amounts(brand("2023-07-13", "300000"), 2023) == {"B.29.brand_incubator_reward": 10 * W}


# ---- A.16.innovation_event_ceiling（第16条 / D 二（四）2）


def test_a16_innovation_event_ceiling_qualifies():
    """A.16.innovation_event_ceiling (威政发〔2018〕20号 第16条): hosting a city contest 2021 → ≤100 万 (ceiling)."""
    r = only(one("other", "innovation_event_host", "2021-05-01", "city"), 2021, "A.16.innovation_event_ceiling")
    assert r.amount == 100 * W and r.is_ceiling


def test_a16_innovation_event_ceiling_at_cap_per_year():
    """A.16.innovation_event_ceiling (第16条): three activities in one year → 每年最高 100 万."""
    sit = situation(events=[event("other", d, "innovation_event_host", "provincial")
                            for d in ("2021-03-01", "2021-06-01", "2021-09-01")])
    r = only(sit, 2021, "A.16.innovation_event_ceiling")
    assert r.amount == 100 * W and "按上限计" in r.explanation


def test_a16_innovation_event_ceiling_does_not_qualify_without_level():
    """A.16.innovation_event_ceiling (第16条): an activity below city level → nothing."""
    assert amounts(one("other", "innovation_event_host", "2021-05-01"), 2021) == {}


def test_a16_innovation_event_ceiling_window_edge_b_replaces():
    """A.16.innovation_event_ceiling (第16条): 2023-07-12 → A ≤100 万/年; 2023-07-13 → B.13 ≤100 万 per activity."""
    sit = situation(events=[event("other", "2023-07-12", "innovation_event_host", "city"),
                            event("other", "2023-07-13", "innovation_event_host", "city")])
    assert amounts(sit, 2023) == {"A.16.innovation_event_ceiling": 100 * W, "B.13.innovation_event_ceiling": 100 * W}


# ---- A.16.contest_finalist_reward（第16条）


def test_a16_contest_finalist_reward_qualifies_at_fixed_amount():
    """A.16.contest_finalist_reward (威政发〔2018〕20号 第16条): national industry final 2020 → 10 万 (fixed)."""
    assert amounts(one("award", "china_innovation_contest_finalist", "2020-11-01"), 2020) == {
        "A.16.contest_finalist_reward": 10 * W}


def test_a16_contest_finalist_reward_does_not_qualify_platform():
    """A.16.contest_finalist_reward (第16条): a platform organisation is not a team/project → nothing."""
    assert amounts(one("award", "china_innovation_contest_finalist", "2020-11-01", org="platform"), 2020) == {}


def test_a16_contest_finalist_reward_window_edge_b_replaces():
    """A.16.contest_finalist_reward (第16条): 2023-07-12 → 10 万; 2023-07-13 → nothing (B 第16条 needs 优秀企业称号)."""
    assert amounts(one("award", "china_innovation_contest_finalist", "2023-07-12"), 2023) == {
        "A.16.contest_finalist_reward": 10 * W}
    assert amounts(one("award", "china_innovation_contest_finalist", "2023-07-13"), 2023) == {}


# ---- A.16.contest_prize_matching（第16条）


def test_a16_contest_prize_matching_qualifies_and_cap():
    """A.16.contest_prize_matching (威政发〔2018〕20号 第16条): national prize 20 万 → city 1:1 = 20 万 (never more)."""
    r = only(one("award", "china_innovation_contest_prize", "2020-12-01", "national", amount="200000"), 2020,
             "A.16.contest_prize_matching")
    assert r.amount == 20 * W and "国家级奖金 20 万元 × 1" in r.explanation


def test_a16_contest_prize_matching_does_not_qualify_without_amount():
    """A.16.contest_prize_matching (第16条): prize money unknown → near; a finalist event is not a prize → no matching."""
    assert only(one("award", "china_innovation_contest_prize", "2020-12-01"), 2020,
                "A.16.contest_prize_matching").status == "near"
    assert "A.16.contest_prize_matching" not in results(
        one("award", "china_innovation_contest_finalist", "2020-12-01", amount="200000"), 2020)


def test_a16_contest_prize_matching_window_interpretation():
    """A.16.contest_prize_matching (第16条): B does not mention prize matching → 2023-07-13 applies; off → nothing."""
    sit = one("award", "china_innovation_contest_prize", "2023-07-13", amount="50000")
    assert amounts(sit, 2023) == {"A.16.contest_prize_matching": 5 * W}
    assert amounts(sit, 2023, interpretations=OFF) == {}


# ---- A.16.advanced_service_enterprise_reward（第16条 / D 二（四）4）


def test_a16_advanced_service_enterprise_reward_qualifies_at_fixed_amount():
    """A.16.advanced_service_enterprise_reward (威政发〔2018〕20号 第16条): certified → one-off 20 万 (fixed)."""
    r = only(one("certification", "advanced_tech_service_enterprise", "2019-12-01", org="service_provider"), 2019,
             "A.16.advanced_service_enterprise_reward")
    assert r.amount == 20 * W and any("二（四）4" in c for c in r.caveats)


def test_a16_advanced_service_enterprise_reward_does_not_qualify_institution():
    """A.16.advanced_service_enterprise_reward (第16条): a research institution is not an enterprise → nothing."""
    assert amounts(one("certification", "advanced_tech_service_enterprise", "2019-12-01", org="research_institution"),
                   2019) == {}


def test_a16_advanced_service_enterprise_reward_window_interpretation():
    """A.16.advanced_service_enterprise_reward (第16条): 2018-11-13 applies, 2018-11-12 not; B silent (a_survives_b)."""
    assert amounts(one("certification", "advanced_tech_service_enterprise", "2018-11-13"), 2018) == {
        "A.16.advanced_service_enterprise_reward": 20 * W}
    assert amounts(one("certification", "advanced_tech_service_enterprise", "2018-11-12"), 2018) == {}
    assert amounts(one("certification", "advanced_tech_service_enterprise", "2024-01-01"), 2024,
                   interpretations=OFF) == {}


# ---- A.18.ip_agency_volume_ceiling（第18条 / D 二（四）4）


def test_a18_ip_agency_volume_ceiling_qualifies_at_cap():
    """A.18.ip_agency_volume_ceiling (威政发〔2018〕20号 第18条): 101 patents (超过 100 件) → 最高 20 万 (ceiling)."""
    r = only(patents("101", 2020, "service_provider", "agency_invention_patents"), 2020,
             "A.18.ip_agency_volume_ceiling")
    assert r.amount == 20 * W and r.is_ceiling and "超过 100 件" in r.explanation


def test_a18_ip_agency_volume_ceiling_does_not_qualify():
    """A.18.ip_agency_volume_ceiling (第18条): exactly 100 (not 超过) → nothing; an enterprise → nothing."""
    assert amounts(patents("100", 2020, "service_provider", "agency_invention_patents"), 2020) == {}
    assert amounts(patents("300", 2020, "enterprise", "agency_invention_patents"), 2020) == {}


def test_a18_ip_agency_volume_ceiling_window_interpretation():
    """A.18.ip_agency_volume_ceiling (第18条): 2025 applies (B silent); not with a_survives_b off."""
    sit = patents("150", 2025, "service_provider", "agency_invention_patents")
    assert amounts(sit, 2025) == {"A.18.ip_agency_volume_ceiling": 20 * W}
    assert amounts(sit, 2025, interpretations=OFF) == {}


# ---- A.18.patent_operation_pilot_ceiling（第18条 / D 二（四）4）


def test_a18_patent_operation_pilot_ceiling_qualifies_at_cap():
    """A.18.patent_operation_pilot_ceiling (威政发〔2018〕20号 第18条): national patent operation pilot → 最高 100 万."""
    r = only(one("certification", "national_patent_operation_pilot", "2020-04-01", org="service_provider"), 2020,
             "A.18.patent_operation_pilot_ceiling")
    assert r.amount == 100 * W and r.is_ceiling


def test_a18_patent_operation_pilot_ceiling_does_not_qualify_enterprise():
    """A.18.patent_operation_pilot_ceiling (第18条): the reward is for 服务机构 → an enterprise gets nothing."""
    assert amounts(one("certification", "national_patent_operation_pilot", "2020-04-01"), 2020) == {}


def test_a18_patent_operation_pilot_ceiling_window_interpretation():
    """A.18.patent_operation_pilot_ceiling (第18条): 2023-07-12 applies either way; 2023-07-13 only with a_survives_b."""
    early = one("certification", "national_patent_operation_pilot", "2023-07-12", org="service_provider")
    late = one("certification", "national_patent_operation_pilot", "2023-07-13", org="service_provider")
    assert amounts(early, 2023, interpretations=OFF) == {"A.18.patent_operation_pilot_ceiling": 100 * W}
    assert amounts(late, 2023, interpretations=OFF) == {}


# ---- A.18.patent_navigation_subsidy（第18条）


def test_a18_patent_navigation_subsidy_qualifies():
    """A.18.patent_navigation_subsidy (威政发〔2018〕20号 第18条): 40 万 navigation cost × 50% = 20 万."""
    r = only(one("other", "patent_navigation", "2021-03-01", amount="400000"), 2021, "A.18.patent_navigation_subsidy")
    assert r.amount == 20 * W and not r.is_ceiling and "实际发生费用 40 万元 × 50% = 20 万元" in r.explanation


def test_a18_patent_navigation_subsidy_at_cap():
    """A.18.patent_navigation_subsidy (第18条): 80 万 + 60 万 costs → 70 万, capped at 50 万."""
    r = only(many("other", "patent_navigation", [("2021-03-01", "800000"), ("2021-08-01", "600000")]), 2021,
             "A.18.patent_navigation_subsidy")
    assert r.amount == 50 * W and "按上限计" in r.explanation


def test_a18_patent_navigation_subsidy_does_not_qualify_non_enterprise():
    """A.18.patent_navigation_subsidy (第18条): 按…给予企业补助 → a research institution gets nothing."""
    assert amounts(one("other", "patent_navigation", "2021-03-01", org="research_institution", amount="400000"),
                   2021) == {}


def test_a18_patent_navigation_subsidy_window_edge():
    """A.18.patent_navigation_subsidy (第18条): with a_survives_b off only the 2023-07-12 cost counts."""
    sit = many("other", "patent_navigation", [("2023-07-12", "100000"), ("2023-07-13", "100000")])
    assert amounts(sit, 2023) == {"A.18.patent_navigation_subsidy": 10 * W}
    assert amounts(sit, 2023, interpretations=OFF) == {"A.18.patent_navigation_subsidy": 5 * W}


@settings(max_examples=40, deadline=None)
@given(costs=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=5))
def test_a18_patent_navigation_subsidy_never_above_cap(costs):
    """A.18.patent_navigation_subsidy (第18条): 0 ≤ amount ≤ 50 万 per enterprise-year and ≤ 50% of the costs."""
    sit = many("other", "patent_navigation", [("2021-03-01", str(c)) for c in costs])
    got = amounts(sit, 2021).get("A.18.patent_navigation_subsidy", Decimal(0))
    assert Decimal(0) <= got <= min(50 * W, Decimal(sum(costs)) / 2)


def test_table_driven_provisions_pay_only_their_beneficiaries():
    """Every table-driven provision of B and A (policy_weihai common.Rule): the organisation kinds that can qualify are
    among the catalogue's beneficiaries (威政发〔2023〕5号 / 威政发〔2018〕20号, each article's 对…的 clause)."""
    from policy.catalogue import PROVISIONS
    from policy_weihai.variables.common import RULES

    every = {"enterprise", "research_institution", "platform", "service_provider"}
    for p in PROVISIONS:
        for path in RULES[p.variable].paths if p.variable in RULES else ():
            assert set(path.org_kinds or every) <= set(p.beneficiary), (p.id, path.param)
