"""Per provision: a case that qualifies, one that does not, one at its cap, one at the edge of its window in force.

Each test names the provision id (document and article) it checks; the coverage report counts them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy.tests.helpers import amounts, event, qual, results, situation

W = Decimal(10000)  # 1 万元


def tic(on: str, level: str = "national") -> dict:
    return situation(events=[event("platform_approval", on, "technology_innovation_center", level)])


# ---- A.05.tic_support（威政发〔2018〕20号 第5条） and B.01 supersession


def test_a05_tic_support_qualifies():
    """A.05.tic_support: 2020 national TIC → 1000 万元 under A art. 5."""
    assert amounts(tic("2020-06-01"), 2020) == {"A.05.tic_support": 1000 * W}


def test_a05_tic_support_does_not_qualify_city_level():
    """A.05.tic_support: a city-level TIC is not a national/provincial one."""
    assert "A.05.tic_support" not in amounts(tic("2020-06-01", "city"), 2020)


def test_a05_tic_support_at_cap_provincial():
    """A.05.tic_support: provincial TIC → the fixed 500 万元."""
    assert amounts(tic("2021-03-01", "provincial"), 2021)["A.05.tic_support"] == 500 * W


def test_a05_tic_support_window_edge_b_takes_over():
    """A.05.tic_support / B.01.platform_reward: 2023-07-12 → A 1000 万; 2023-07-13 → B 500 万; same year."""
    sit = situation(events=[event("platform_approval", "2023-07-12", "technology_innovation_center", "national"),
                            event("platform_approval", "2023-07-13", "technology_innovation_center", "national")])
    assert amounts(sit, 2023) == {"A.05.tic_support": 1000 * W, "B.01.platform_reward": 500 * W}


def test_a05_tic_support_window_before_a():
    """A.05.tic_support: an event before 2018-11-13 (A not yet in force) gets nothing."""
    assert amounts(tic("2018-11-12"), 2018) == {}
    assert amounts(tic("2018-11-13"), 2018) == {"A.05.tic_support": 1000 * W}


# ---- A.07.hte_reward（第7条 / D 二（四）4）


def test_a07_hte_reward_qualifies_first():
    """A.07.hte_reward: first certification in 2020 → 20 万元."""
    assert amounts(situation(quals=[qual("high_tech_enterprise", "2020-10-01")]), 2020)["A.07.hte_reward"] == 20 * W


def test_a07_hte_reward_recertification_at_cap():
    """A.07.hte_reward: recertification → 10 万元; one rule with D, paid once."""
    r = results(situation(quals=[qual("high_tech_enterprise", "2021-10-01", cert="recertification")]), 2021)
    assert r["A.07.hte_reward"].amount == 10 * W
    assert any("只兑现一次" in c for c in r["A.07.hte_reward"].caveats)


def test_a07_hte_reward_does_not_qualify_without_certification_that_year():
    """A.07.hte_reward: certified in 2019, evaluated in 2020 → nothing."""
    assert "A.07.hte_reward" not in amounts(situation(quals=[qual("high_tech_enterprise", "2019-10-01")]), 2020)


def test_a07_hte_reward_window_edge_interpretation_a_survives_b():
    """A.07.hte_reward: after 2023-07-13 it applies only under interpretation a_survives_b (default yes)."""
    sit = situation(quals=[qual("high_tech_enterprise", "2023-07-13")])
    assert amounts(sit, 2023)["A.07.hte_reward"] == 20 * W
    assert "A.07.hte_reward" not in amounts(sit, 2023, interpretations={"a_survives_b": False})
    early = situation(quals=[qual("high_tech_enterprise", "2023-07-12")])
    assert amounts(early, 2023, interpretations={"a_survives_b": False})["A.07.hte_reward"] == 20 * W


# ---- A.14 / B.22 award matching


def award(on: str, subject: str, grade: str, **kw) -> dict:
    return situation(kind="research_institution", events=[event("award", on, subject, grade=grade, **kw)])


def test_a14_national_award_matching_qualifies():
    """A.14.national_award_matching: first completer, national second prize 2020 → 50 万元."""
    assert amounts(award("2020-01-10", "national_st_award", "二等奖", role="lead"), 2020) == {
        "A.14.national_award_matching": 50 * W}


def test_a14_national_award_matching_not_first_completer():
    """A.14.national_award_matching: not the first completing unit → nothing."""
    assert amounts(award("2020-01-10", "national_st_award", "二等奖"), 2020) == {}


def test_a14_national_award_matching_at_cap_special_prize():
    """A.14.national_award_matching: special prize → 200 万元 (the highest)."""
    assert amounts(award("2020-01-10", "national_st_award", "特等奖", role="lead"), 2020)[
        "A.14.national_award_matching"] == 200 * W


def test_b22_national_award_matching_window_edge():
    """B.22.national_award_matching / A.14: first prize 2023-07-12 → A 100 万; 2023-07-13 → B 200 万."""
    assert amounts(award("2023-07-12", "national_st_award", "一等奖", role="lead"), 2023) == {
        "A.14.national_award_matching": 100 * W}
    assert amounts(award("2023-07-13", "national_st_award", "一等奖", role="lead"), 2023) == {
        "B.22.national_award_matching": 200 * W}


def test_b22_national_award_matching_qualifies_and_cap():
    """B.22.national_award_matching: special prize 2024 → 300 万元 (cap); third prize is not listed → nothing."""
    assert amounts(award("2024-01-10", "national_st_award", "特等奖", role="lead"), 2024) == {
        "B.22.national_award_matching": 300 * W}
    assert amounts(award("2024-01-10", "national_st_award", "三等奖", role="lead"), 2024) == {}


def test_b22_national_award_matching_window_end():
    """B.22.national_award_matching: 2028-07-13 is after B's window → A's 100 万 applies again."""
    assert amounts(award("2028-07-13", "national_st_award", "一等奖", role="lead"), 2028) == {
        "A.14.national_award_matching": 100 * W}


def test_a14_provincial_award_matching_qualifies():
    """A.14.provincial_award_matching: third prize 2020 with 10 万 provincial money → 1:1 = 10 万."""
    assert amounts(award("2020-05-01", "provincial_st_award", "三等奖", amount="100000"), 2020) == {
        "A.14.provincial_award_matching": 10 * W}


def test_a14_provincial_award_matching_no_provincial_amount():
    """A.14.provincial_award_matching: youth prize is not an A grade → nothing."""
    assert amounts(award("2020-05-01", "provincial_st_award", "青年奖", amount="100000"), 2020) == {}


def test_a14_provincial_award_matching_at_cap_equals_provincial():
    """A.14.provincial_award_matching: the matching never exceeds the provincial amount (1:1)."""
    assert amounts(award("2021-05-01", "provincial_st_award", "一等奖", amount="300000"), 2021)[
        "A.14.provincial_award_matching"] == 30 * W


def test_b22_provincial_award_matching_window_edge_and_youth():
    """B.22.provincial_award_matching: youth prize 2023-07-13 → 1:1 under B; third prize under B → nothing."""
    assert amounts(award("2023-07-13", "provincial_st_award", "青年奖", amount="50000"), 2023) == {
        "B.22.provincial_award_matching": 5 * W}
    assert amounts(award("2023-07-13", "provincial_st_award", "三等奖", amount="50000"), 2023) == {}


# ---- A.16 incubators, B.29


def test_a16_national_incubator_reward_qualifies_and_window():
    """A.16.national_incubator_reward: national incubator 2022 → 200 万; 2023-07-13 → B.29 ≤100 万 instead."""
    sit = situation(kind="platform", events=[event("platform_approval", "2022-12-01", "incubator", "national")])
    assert amounts(sit, 2022) == {"A.16.national_incubator_reward": 200 * W}
    sit = situation(kind="platform", events=[event("platform_approval", "2023-07-13", "incubator", "national")])
    r = results(sit, 2023)
    assert set(r) == {"B.29.incubator_reward"} and r["B.29.incubator_reward"].is_ceiling
    assert r["B.29.incubator_reward"].amount == 100 * W


def test_a16_national_incubator_reward_provincial_does_not_qualify():
    """A.16.national_incubator_reward: a provincial incubator is not national → nothing."""
    sit = situation(kind="platform", events=[event("platform_approval", "2022-12-01", "incubator", "provincial")])
    assert amounts(sit, 2022) == {}


def test_a16_incubatee_upgrade_reward_qualifies():
    """A.16.incubatee_upgrade_reward: 3 incubatees upgraded → 3 × 10 万 = 30 万."""
    sit = situation(kind="platform", events=[event("certification", "2022-03-01", "incubatee_high_tech")] * 3)
    assert amounts(sit, 2022) == {"A.16.incubatee_upgrade_reward": 30 * W}


def test_a16_incubatee_upgrade_reward_at_cap():
    """A.16.incubatee_upgrade_reward: 12 upgrades, events on both sides of 2023-07-13 → capped at 100 万 per year."""
    evs = [event("certification", "2023-05-01", "incubatee_high_tech")] * 6 + [
        event("certification", "2023-08-01", "incubatee_high_tech")] * 6
    r = results(situation(kind="platform", events=evs), 2023)["A.16.incubatee_upgrade_reward"]
    assert r.amount == 100 * W and "上限" in r.explanation


def test_a16_incubatee_upgrade_reward_window_interpretation():
    """A.16.incubatee_upgrade_reward: with a_survives_b off, only the event before 2023-07-13 counts."""
    evs = [event("certification", "2023-05-01", "incubatee_high_tech"),
           event("certification", "2023-08-01", "incubatee_high_tech")]
    assert amounts(situation(kind="platform", events=evs), 2023, interpretations={"a_survives_b": False}) == {
        "A.16.incubatee_upgrade_reward": 10 * W}


def test_a16_incubatee_upgrade_reward_does_not_qualify_other_certification():
    """A.16.incubatee_upgrade_reward: another certification subject is not an incubatee upgrade."""
    assert amounts(situation(kind="platform", events=[event("certification", "2022-03-01", "other")]), 2022) == {}


def test_b29_incubator_reward_university_science_park():
    """B.29.incubator_reward: provincial university science park 2024 → ≤50 万; 2023-07-12 → not B (B not yet) but
    A 第12条 (A.12.university_science_park_grant, 100 万)."""
    sit = situation(kind="research_institution",
                    events=[event("platform_approval", "2024-02-01", "university_science_park", "provincial")])
    assert amounts(sit, 2024) == {"B.29.incubator_reward": 50 * W}
    sit["recognitions"][0]["occurred_on"] = "2023-07-12"
    assert amounts(sit, 2023) == {"A.12.university_science_park_grant": 100 * W}


# ---- B.01 platforms


def test_b01_platform_reward_key_lab_lead_and_participant():
    """B.01.platform_reward: national key laboratory lead 1000 万 (cap), participant 500 万."""
    lead = situation(events=[event("platform_approval", "2024-01-05", "national_key_laboratory", "national", role="lead")])
    part = situation(events=[event("platform_approval", "2024-01-05", "national_key_laboratory", "national")])
    assert amounts(lead, 2024) == {"B.01.platform_reward": 1000 * W}
    assert amounts(part, 2024) == {"B.01.platform_reward": 500 * W}


def test_b01_platform_reward_window_edge():
    """B.01.platform_reward: national key laboratory 2023-07-12 → nothing (A has no such rule); 2028-07-12 → B."""
    assert amounts(situation(events=[event("platform_approval", "2023-07-12", "national_key_laboratory",
                                           "national", role="lead")]), 2023) == {}
    assert amounts(situation(events=[event("platform_approval", "2028-07-12", "national_key_laboratory",
                                           "national", role="lead")]), 2028) == {"B.01.platform_reward": 1000 * W}


def test_b01_platform_ceiling_qualifies_provincial_and_city():
    """B.01.platform_ceiling: provincial key lab ≤100 万, city key lab ≤50 万, both marked as ceilings."""
    sit = situation(events=[event("platform_approval", "2024-03-01", "key_laboratory", "provincial"),
                            event("platform_approval", "2024-04-01", "key_laboratory", "city")])
    r = [x for x in __import__("policy.services", fromlist=["x"]).evaluate_situation(sit, "2024").results]
    assert sorted(x.amount for x in r) == [50 * W, 100 * W]
    assert all(x.provision_id == "B.01.platform_ceiling" and x.is_ceiling for x in r)
    assert all("需评审" in x.caveats[0] for x in r)


def test_b01_platform_ceiling_manufacturing_requires_lead_and_cap():
    """B.01.platform_ceiling: national manufacturing innovation centre lead ≤500 万; non-lead → nothing."""
    lead = situation(events=[event("platform_approval", "2024-03-01", "manufacturing_innovation_center", "national",
                                   role="lead")])
    assert amounts(lead, 2024) == {"B.01.platform_ceiling": 500 * W}
    lead["recognitions"][0].pop("role")
    assert amounts(lead, 2024) == {}


def test_b01_platform_ceiling_window_edge():
    """B.01.platform_ceiling: provincial community 2023-07-13 → ≤500 万; 2023-07-12 → nothing."""
    sit = situation(events=[event("platform_approval", "2023-07-13", "innovation_community", "provincial")])
    assert amounts(sit, 2023) == {"B.01.platform_ceiling": 500 * W}
    sit["recognitions"][0]["occurred_on"] = "2023-07-12"
    assert amounts(sit, 2023) == {}


# ---- B.09 R&D growth


def rd(now: str, before: str, quals: list | None = None, year: int = 2024) -> dict:
    q = quals if quals is not None else [qual("high_tech_enterprise", "2020-01-01"),
                                         qual("above_designated_size", f"{year}-01-01", f"{year}-12-31")]
    return situation(quals=q, facts={str(year): {"rd_expense": now, "rd_active": True},
                                     str(year - 1): {"rd_expense": before}})


def test_b09_rd_growth_subsidy_qualifies():
    """B.09.rd_growth_subsidy: 2000 万 → 2300 万 (+15%, +300 万) → 300 万 × 5% = 15 万 (ceiling)."""
    r = results(rd("23000000", "20000000"), 2024)["B.09.rd_growth_subsidy"]
    assert r.amount == 15 * W and r.is_ceiling
    assert "研发投入增量 300 万元 × 5% = 15 万元" in r.explanation


def test_b09_rd_growth_subsidy_near_growth_below_ten_percent():
    """B.09.rd_growth_subsidy: +9.5% → near, says what is missing."""
    r = results(rd("21900000", "20000000"), 2024)["B.09.rd_growth_subsidy"]
    assert r.status == "near" and r.amount == 0 and "研发投入增长 9.5%，未达到 10%" in r.missing


def test_b09_rd_growth_subsidy_does_not_qualify_small_increment_or_status():
    """B.09.rd_growth_subsidy: increment of exactly 100 万 is not 'more than'; not HTE/tech SME → nothing."""
    assert results(rd("6000000", "5000000"), 2024)["B.09.rd_growth_subsidy"].status == "near"
    assert "B.09.rd_growth_subsidy" not in amounts(rd("23000000", "20000000", quals=[]), 2024)


def test_b09_rd_growth_subsidy_at_cap():
    """B.09.rd_growth_subsidy: increment 3000 万 × 5% = 150 万 → capped at 100 万 per year."""
    r = results(rd("80000000", "50000000"), 2024)["B.09.rd_growth_subsidy"]
    assert r.amount == 100 * W and "上限" in r.explanation


def test_b09_rd_growth_subsidy_window_edge():
    """B.09.rd_growth_subsidy: year 2022 (before B) → nothing; 2023 (B in force on 31 Dec) → applies."""
    assert "B.09.rd_growth_subsidy" not in amounts(rd("23000000", "20000000", year=2022), 2022)
    assert amounts(rd("23000000", "20000000", year=2023), 2023)["B.09.rd_growth_subsidy"] == 15 * W


# ---- B.14 technology contracts


def contract(*pairs: tuple[str, str], kind: str = "enterprise") -> dict:
    """A 科技型企业 buyer (B 第14条) with registered 技术开发 contracts paid on the given days."""
    return situation(kind=kind, quals=[qual("tech_sme", "2023-01-01")],
                     events=[event("tech_contract", on, "tech_development", amount=a) for on, a in pairs])


def test_b14_contract_subsidy_qualifies():
    """B.14.contract_subsidy: 200 万 payment → 10 万 (≤5%)."""
    assert amounts(contract(("2024-03-01", "2000000")), 2024) == {"B.14.contract_subsidy": 10 * W}


def test_b14_contract_subsidy_at_cap_across_events():
    """B.14.contract_subsidy: 400 万 + 400 万 in one year → 40 万, capped at 30 万 per buyer per year."""
    assert amounts(contract(("2024-03-01", "4000000"), ("2024-09-01", "4000000")), 2024) == {
        "B.14.contract_subsidy": 30 * W}


def test_b14_contract_subsidy_window_edge():
    """B.14.contract_subsidy: contract of 2023-07-12 → nothing; 2023-07-13 → 5%."""
    assert amounts(contract(("2023-07-12", "1000000"), ("2023-07-13", "1000000")), 2023) == {
        "B.14.contract_subsidy": 5 * W}


def test_b14_contract_subsidy_does_not_qualify_other_year():
    """B.14.contract_subsidy: a 2023 contract is not counted in 2024."""
    assert amounts(contract(("2023-09-01", "1000000")), 2024) == {}


# ---- B.17 high-tech growth


def hte(on: str, y3: str | None, y1: str | None, year: int) -> dict:
    facts = {}
    if y3:
        facts[str(year - 3)] = {"sales_revenue": y3}
    if y1:
        facts[str(year - 1)] = {"sales_revenue": y1}
    return situation(quals=[qual("high_tech_enterprise", on)], facts=facts)


def test_b17_hte_growth_reward_qualifies():
    """B.17.hte_growth_reward: CAGR exactly 10% (1000 万 → 1210 万 over two years) → 5 万 (fixed cap)."""
    r = results(hte("2024-11-01", "10000000", "12100000", 2024), 2024)["B.17.hte_growth_reward"]
    assert r.status == "applies" and r.amount == 5 * W
    assert "b17_cagr_prior_years" in r.interpretations


def test_b17_hte_growth_reward_near():
    """B.17.hte_growth_reward: CAGR below 10% → near with the rate."""
    r = results(hte("2024-11-01", "10000000", "11000000", 2024), 2024)["B.17.hte_growth_reward"]
    assert r.status == "near" and "未达到 10%" in r.missing


def test_b17_hte_growth_reward_does_not_qualify_missing_facts():
    """B.17.hte_growth_reward: no sales facts → near, naming the missing fact, never a silent zero."""
    r = results(hte("2024-11-01", None, None, 2024), 2024)["B.17.hte_growth_reward"]
    assert r.status == "near" and "缺少" in r.missing


def test_b17_hte_growth_reward_window_edge():
    """B.17.hte_growth_reward: certified 2023-07-12 → nothing; 2023-07-13 → 5 万."""
    assert "B.17.hte_growth_reward" not in amounts(hte("2023-07-12", "10000000", "20000000", 2023), 2023)
    assert amounts(hte("2023-07-13", "10000000", "20000000", 2023), 2023)["B.17.hte_growth_reward"] == 5 * W


@pytest.mark.parametrize("prior,expected", [(True, "applies"), (False, "near")])
def test_b17_hte_growth_reward_interpretation_window(prior, expected):
    """B.17.hte_growth_reward: interpretation b17_cagr_prior_years changes which years count."""
    sit = hte("2024-11-01", "10000000", "12100000", 2024)
    sit["annual_facts"]["2024"] = {"sales_revenue": "10000000"}
    r = results(sit, 2024, interpretations={"b17_cagr_prior_years": prior})["B.17.hte_growth_reward"]
    assert r.status == expected


# ---- B.25 intellectual-property pledge financing (LPR reference data)


def fin(subject: str, *pairs: tuple[str, str]) -> dict:
    return situation(events=[event("financing", on, subject, amount=a) for on, a in pairs])


def test_b25_ip_loan_interest_qualifies_with_previous_month_lpr():
    """B.25.ip_loan_interest: 500 万 loan signed 2024-03-15 → Feb 2024 LPR 3.45% × 20% → 3.45 万元."""
    r = results(fin("ip_pledge_loan", ("2024-03-15", "5000000")), 2024)["B.25.ip_loan_interest"]
    assert r.amount == Decimal("34500.00") and "2024-02" in r.explanation and "3.45%" in r.explanation


def test_b25_ip_loan_interest_month_boundary_uses_different_lpr():
    """B.25.ip_loan_interest: signed 2024-10-31 (Sept LPR 3.35%) vs 2024-11-01 (Oct LPR 3.10%)."""
    a = amounts(fin("ip_pledge_loan", ("2024-10-31", "10000000")), 2024)["B.25.ip_loan_interest"]
    b = amounts(fin("ip_pledge_loan", ("2024-11-01", "10000000")), 2024)["B.25.ip_loan_interest"]
    assert (a, b) == (Decimal("67000.00"), Decimal("62000.00"))


def test_b25_ip_loan_interest_at_cap():
    """B.25.ip_loan_interest: 5000 万 loan → 34.5 万 > 20 万 yearly cap → 20 万."""
    assert amounts(fin("ip_pledge_loan", ("2024-03-15", "50000000")), 2024)["B.25.ip_loan_interest"] == 20 * W


def test_b25_ip_loan_interest_window_edge_and_missing_lpr():
    """B.25.ip_loan_interest: 2023-07-12 → nothing; a month without LPR data → near, naming the month."""
    assert amounts(fin("ip_pledge_loan", ("2023-07-12", "5000000")), 2023) == {}
    assert amounts(fin("ip_pledge_loan", ("2023-07-13", "5000000")), 2023)["B.25.ip_loan_interest"] == Decimal(
        "35500.00")  # June 2023 LPR 3.55%
    r = results(fin("ip_pledge_loan", ("2026-03-15", "5000000")), 2026)["B.25.ip_loan_interest"]
    assert r.status == "near" and "缺少 2026 年 2 月 1 年期 LPR，录入后自动计算" in r.missing


def test_b25_ip_evaluation_fee_qualifies_cap_and_window():
    """B.25.ip_evaluation_fee: 10 万 fee → 3 万; 30 万 → capped 5 万; 2023-07-12 → nothing."""
    assert amounts(fin("ip_evaluation_fee", ("2024-03-15", "100000")), 2024) == {"B.25.ip_evaluation_fee": 3 * W}
    assert amounts(fin("ip_evaluation_fee", ("2024-03-15", "300000")), 2024) == {"B.25.ip_evaluation_fee": 5 * W}
    assert amounts(fin("ip_evaluation_fee", ("2023-07-12", "100000")), 2023) == {}


def test_b25_ip_evaluation_fee_does_not_qualify_non_enterprise():
    """B.25.ip_evaluation_fee: a research institution is not an SME → nothing."""
    sit = situation(kind="research_institution",
                    events=[event("financing", "2024-03-15", "ip_evaluation_fee", amount="100000")])
    assert amounts(sit, 2024) == {}


def test_b25_ip_insurance_qualifies_cap_and_window():
    """B.25.ip_insurance: 5 万 premium → 1 万; 20 万 + 20 万 in a year → capped 2 万; 2028-07-13 → nothing."""
    assert amounts(fin("ip_pledge_insurance", ("2024-03-15", "50000")), 2024) == {"B.25.ip_insurance": 1 * W}
    assert amounts(fin("ip_pledge_insurance", ("2024-03-15", "200000"), ("2024-08-15", "200000")), 2024) == {
        "B.25.ip_insurance": 2 * W}
    assert amounts(fin("ip_pledge_insurance", ("2028-07-13", "50000")), 2028) == {}
    assert amounts(fin("ip_pledge_insurance", ("2028-07-12", "50000")), 2028) == {"B.25.ip_insurance": 1 * W}


# ---- A.10 international cooperation bases, A.15 technology transfer demonstration agencies, B.29 brand incubators


def designation(subject: str, level: str, on: str, kind: str = "enterprise", ev: str = "platform_approval") -> dict:
    return situation(kind=kind, events=[event(ev, on, subject, level)])


def test_a10_international_base_reward_qualifies_and_cap():
    """A.10.international_base_reward: national base 100 万 (the highest), provincial 50 万 (A 第10条 / D 二（四）1)."""
    assert amounts(designation("international_cooperation_base", "national", "2021-04-01"), 2021) == {
        "A.10.international_base_reward": 100 * W}
    assert amounts(designation("international_cooperation_base", "provincial", "2021-04-01"), 2021) == {
        "A.10.international_base_reward": 50 * W}


def test_a10_international_base_reward_does_not_qualify_city():
    """A.10.international_base_reward: a city-level base is not listed → nothing."""
    assert amounts(designation("international_cooperation_base", "city", "2021-04-01"), 2021) == {}


def test_a10_international_base_reward_window_interpretation():
    """A.10.international_base_reward: B does not repeat it; after 2023-07-13 only with a_survives_b."""
    sit = designation("international_cooperation_base", "national", "2023-07-13")
    assert amounts(sit, 2023) == {"A.10.international_base_reward": 100 * W}
    assert amounts(sit, 2023, interpretations={"a_survives_b": False}) == {}
    assert amounts(designation("international_cooperation_base", "national", "2018-11-12"), 2018) == {}


def test_a15_tech_transfer_agency_reward_qualifies_and_cap():
    """A.15.tech_transfer_agency_reward: national 200 万 (highest), provincial 100 万 (A 第15条 / D 二（四）1)."""
    sp = "service_provider"
    assert amounts(designation("tech_transfer_demo_agency", "national", "2020-04-01", sp), 2020) == {
        "A.15.tech_transfer_agency_reward": 200 * W}
    assert amounts(designation("tech_transfer_demo_agency", "provincial", "2020-04-01", sp), 2020) == {
        "A.15.tech_transfer_agency_reward": 100 * W}


def test_a15_tech_transfer_agency_reward_does_not_qualify_other_subject():
    """A.15.tech_transfer_agency_reward: another platform type → nothing."""
    assert "A.15.tech_transfer_agency_reward" not in amounts(designation("incubator", "city", "2020-04-01"), 2020)


def test_a15_tech_transfer_agency_reward_window_edge():
    """A.15.tech_transfer_agency_reward: 2018-11-13 (A's first day) applies; 2018-11-12 does not."""
    assert amounts(designation("tech_transfer_demo_agency", "provincial", "2018-11-13"), 2018) == {
        "A.15.tech_transfer_agency_reward": 100 * W}
    assert amounts(designation("tech_transfer_demo_agency", "provincial", "2018-11-12"), 2018) == {}


def test_b29_brand_incubator_reward_qualifies_and_cap():
    """B.29.brand_incubator_reward: brand incubator 10 万 (the higher), brand makerspace 5 万."""
    assert amounts(designation("brand_incubator", "provincial", "2024-04-01", "platform", "certification"), 2024) == {
        "B.29.brand_incubator_reward": 10 * W}
    assert amounts(designation("brand_makerspace", "provincial", "2024-04-01", "platform", "certification"), 2024) == {
        "B.29.brand_incubator_reward": 5 * W}


def test_b29_brand_incubator_reward_window_edge():
    """B.29.brand_incubator_reward: 2023-07-12 → nothing; 2023-07-13 → 10 万."""
    assert amounts(designation("brand_incubator", "", "2023-07-12", "platform", "certification"), 2023) == {}
    assert amounts(designation("brand_incubator", "", "2023-07-13", "platform", "certification"), 2023) == {
        "B.29.brand_incubator_reward": 10 * W}


def test_b29_brand_incubator_reward_does_not_qualify_as_approval():
    """B.29.brand_incubator_reward: the brand listing is a certification event, not a platform approval."""
    assert amounts(designation("brand_incubator", "", "2024-04-01", "platform"), 2024) == {}


def test_b14_contract_subsidy_seller_outside_jurisdiction_is_near():
    """B.14.contract_subsidy: a seller outside Weihai does not qualify (在威开展) → near, says why."""
    sit = situation(quals=[qual("tech_sme", "2024-01-01")],
                    events=[event("tech_contract", "2024-03-01", "tech_development", amount="2000000",
                                  attributes={"role": "buyer", "seller_located": "outside_jurisdiction"})])
    r = results(sit, 2024)["B.14.contract_subsidy"]
    assert r.status == "near" and "卖方不在威海" in r.missing


def test_b14_contract_subsidy_seller_side_and_unknown_seller():
    """B.14.contract_subsidy: the seller side gets nothing; an unknown seller applies with a caveat to check."""
    seller = situation(quals=[qual("tech_sme", "2024-01-01")],
                       events=[event("tech_contract", "2024-03-01", "tech_development", amount="2000000", role="seller")])
    assert amounts(seller, 2024) == {}
    r = results(situation(quals=[qual("tech_sme", "2024-01-01")],
                          events=[event("tech_contract", "2024-03-01", "tech_development", amount="2000000")]), 2024)
    assert any("核实" in c for c in r["B.14.contract_subsidy"].caveats)


def test_b22_provincial_award_matching_without_amount_is_near():
    """B.22.provincial_award_matching: no provincial prize money given → near, naming the missing amount."""
    r = results(award("2024-05-01", "provincial_st_award", "一等奖"), 2024)["B.22.provincial_award_matching"]
    assert r.status == "near" and "省级奖金" in r.missing
    r = results(award("2021-05-01", "provincial_st_award", "三等奖"), 2021)["A.14.provincial_award_matching"]
    assert r.status == "near"


def test_b17_hte_growth_reward_not_near_before_b():
    """B.17.hte_growth_reward: certified in 2022 (before B) → neither applies nor near."""
    assert "B.17.hte_growth_reward" not in results(hte("2022-11-01", None, None, 2022), 2022)


# ---- B.05, B.16, B.18, B.21: fixed one-off amounts of B


def one(kind: str, subject: str, on: str, level: str = "", org: str = "enterprise", **kw) -> dict:
    return situation(kind=org, events=[event(kind, on, subject, level, **kw)])


def test_b05_agri_zone_reward_qualifies_and_cap():
    """B.05.agri_zone_reward: national 500 万 (the highest), provincial 100 万."""
    assert amounts(one("platform_approval", "agricultural_high_tech_zone", "2024-05-01", "national", "platform"),
                   2024) == {"B.05.agri_zone_reward": 500 * W}
    assert amounts(one("platform_approval", "agricultural_high_tech_zone", "2024-05-01", "provincial", "platform"),
                   2024) == {"B.05.agri_zone_reward": 100 * W}


def test_b05_agri_zone_reward_does_not_qualify_city():
    """B.05.agri_zone_reward: a city-level park is not an upgrade → nothing."""
    assert amounts(one("platform_approval", "agricultural_high_tech_zone", "2024-05-01", "city", "platform"), 2024) == {}


def test_b05_agri_zone_reward_window_edge():
    """B.05.agri_zone_reward: 2028-07-12 applies, 2028-07-13 (B expired) does not."""
    sit = one("platform_approval", "agricultural_high_tech_zone", "2028-07-12", "provincial", "platform")
    assert amounts(sit, 2028) == {"B.05.agri_zone_reward": 100 * W}
    sit["recognitions"][0]["occurred_on"] = "2028-07-13"
    assert amounts(sit, 2028) == {}


def test_b16_contest_reward_qualifies_at_fixed_amount():
    """B.16.contest_reward: excellent enterprise of the national contest → 10 万 (fixed, also its cap)."""
    assert amounts(one("award", "china_innovation_contest_excellent", "2024-11-01"), 2024) == {
        "B.16.contest_reward": 10 * W}


def test_b16_contest_reward_does_not_qualify_non_enterprise():
    """B.16.contest_reward: a research institution is not an enterprise → nothing."""
    assert amounts(one("award", "china_innovation_contest_excellent", "2024-11-01", org="research_institution"),
                   2024) == {}


def test_b16_contest_reward_window_edge():
    """B.16.contest_reward: 2023-07-12 → nothing; 2023-07-13 → 10 万."""
    assert amounts(one("award", "china_innovation_contest_excellent", "2023-07-12"), 2023) == {}
    assert amounts(one("award", "china_innovation_contest_excellent", "2023-07-13"), 2023) == {
        "B.16.contest_reward": 10 * W}


def test_b18_city_consortium_grant_qualifies_at_fixed_amount():
    """B.18.city_consortium_grant: a registered city innovation consortium → 10 万 (fixed)."""
    assert amounts(one("platform_approval", "innovation_consortium", "2024-03-01", "city"), 2024) == {
        "B.18.city_consortium_grant": 10 * W}


def test_b18_city_consortium_grant_does_not_qualify_provincial():
    """B.18.city_consortium_grant: the 10 万 is for city-level registration only."""
    assert amounts(one("platform_approval", "innovation_consortium", "2024-03-01", "provincial"), 2024) == {}


def test_b18_city_consortium_grant_window_edge():
    """B.18.city_consortium_grant: 2023-07-12 → nothing; 2023-07-13 → 10 万."""
    assert amounts(one("platform_approval", "innovation_consortium", "2023-07-12", "city"), 2023) == {}
    assert amounts(one("platform_approval", "innovation_consortium", "2023-07-13", "city"), 2023) == {
        "B.18.city_consortium_grant": 10 * W}


def test_b21_foreign_expert_studio_grant_qualifies_at_fixed_amount():
    """B.21.foreign_expert_studio_grant: evaluation 优秀 at the end of construction → 20 万 (fixed)."""
    assert amounts(one("platform_evaluation", "foreign_expert_studio", "2025-06-01", grade="优秀"), 2025) == {
        "B.21.foreign_expert_studio_grant": 20 * W}


def test_b21_foreign_expert_studio_grant_does_not_qualify_without_excellent():
    """B.21.foreign_expert_studio_grant: an evaluation without 优秀 → nothing."""
    assert amounts(one("platform_evaluation", "foreign_expert_studio", "2025-06-01"), 2025) == {}


def test_b21_foreign_expert_studio_grant_window_edge():
    """B.21.foreign_expert_studio_grant: 2023-07-12 → nothing; 2023-07-13 → 20 万."""
    assert amounts(one("platform_evaluation", "foreign_expert_studio", "2023-07-12", grade="优秀"), 2023) == {}
    assert amounts(one("platform_evaluation", "foreign_expert_studio", "2023-07-13", grade="优秀"), 2023) == {
        "B.21.foreign_expert_studio_grant": 20 * W}
