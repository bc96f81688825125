"""Finance provisions whose beneficiary is a partner bank (A 第19条, B 第24条) and A 第8条's 1:1 matching, on
situations (the scifinance tests compute the same from loan records)."""

from __future__ import annotations

from decimal import Decimal

from policy.tests.helpers import amounts, event, results, situation

W = Decimal(10000)


def bank(subject: str, on: str, amount: str) -> dict:
    return situation(kind="service_provider", events=[event("financing", on, subject, amount=amount)])


def test_a19_risk_compensation_qualifies_35_percent_of_loss():
    """A.19.risk_compensation (威政发〔2018〕20号 第19条): 损失 100 万 × 35% = 35 万元 to the bank."""
    r = results(bank("risk_compensation_loss", "2022-05-10", "1000000"), 2022)["A.19.risk_compensation"]
    assert r.amount == 35 * W and r.status == "applies" and "第19条" in r.article


def test_a19_risk_compensation_not_an_enterprise_entitlement():
    """A.19.risk_compensation: the beneficiary is the partner bank, not the borrowing enterprise."""
    sit = situation(events=[event("financing", "2022-05-10", "risk_compensation_loss", amount="1000000")])
    assert "A.19.risk_compensation" not in amounts(sit, 2022)


def test_a19_risk_compensation_at_cap_whole_loss():
    """A.19.risk_compensation: no cap beyond the share; 2,000 万 loss → 700 万 (the covered balance cap of B 第23条
    is enforced on 备案)."""
    assert amounts(bank("risk_compensation_loss", "2022-05-10", "20000000"), 2022)["A.19.risk_compensation"] == 700 * W


def test_a19_risk_compensation_window_edge_a_survives_b():
    """A.19.risk_compensation: before A (2018-11-12) nothing; during B only under interpretation a_survives_b."""
    assert amounts(bank("risk_compensation_loss", "2018-11-12", "1000000"), 2018) == {}
    assert amounts(bank("risk_compensation_loss", "2018-11-13", "1000000"), 2018)["A.19.risk_compensation"] == 35 * W
    off = amounts(bank("risk_compensation_loss", "2024-05-10", "1000000"), 2024, interpretations={"a_survives_b": 0})
    assert "A.19.risk_compensation" not in off


def test_b24_chokepoint_loan_risk_ceiling_qualifies():
    """B.24.chokepoint_loan_risk_ceiling (威政发〔2023〕5号 第24条): 新增余额 5,000 万 × 0.6% = 不超过 30 万元."""
    r = results(bank("chokepoint_loan_new_balance", "2024-09-01", "50000000"), 2024)["B.24.chokepoint_loan_risk_ceiling"]
    assert r.amount == 30 * W and r.is_ceiling


def test_b24_chokepoint_loan_risk_ceiling_window_edge():
    """B.24.chokepoint_loan_risk_ceiling: B in force from 2023-07-13; a balance dated the day before gets nothing."""
    assert amounts(bank("chokepoint_loan_new_balance", "2023-07-12", "50000000"), 2023) == {}
    assert amounts(bank("chokepoint_loan_new_balance", "2023-07-13", "50000000"), 2023)[
        "B.24.chokepoint_loan_risk_ceiling"] == 30 * W


def test_b24_chokepoint_loan_risk_ceiling_not_for_enterprises_and_at_cap():
    """B.24.chokepoint_loan_risk_ceiling: an enterprise gets nothing; the rate is the cap (0.6%), 1 亿 → 60 万."""
    sit = situation(events=[event("financing", "2024-09-01", "chokepoint_loan_new_balance", amount="50000000")])
    assert "B.24.chokepoint_loan_risk_ceiling" not in amounts(sit, 2024)
    assert amounts(bank("chokepoint_loan_new_balance", "2024-09-01", "100000000"), 2024)[
        "B.24.chokepoint_loan_risk_ceiling"] == 60 * W


def base(subject: str, on: str, amount: str, level: str = "national") -> dict:
    return situation(kind="platform", events=[event("platform_approval", on, subject, level, amount=amount)])


def test_a08_industrial_base_matching_qualifies_one_to_one():
    """A.08.industrial_base_matching (威政发〔2018〕20号 第8条): 国家火炬特色产业基地 上级支持 300 万 → 配套 300 万."""
    assert amounts(base("national_torch_base", "2020-06-01", "3000000"), 2020)["A.08.industrial_base_matching"] == 300 * W


def test_a08_industrial_base_matching_provincial_does_not_qualify():
    """A.08.industrial_base_matching: only national approvals are matched."""
    assert amounts(base("national_innovative_cluster", "2020-06-01", "3000000", "provincial"), 2020) == {}


def test_a08_industrial_base_matching_at_cap_equals_higher_level_amount():
    """A.08.industrial_base_matching: the match equals the higher level's money, never more (创新创业特色载体 1,000 万)."""
    assert amounts(base("national_innovation_carrier", "2021-03-01", "10000000"), 2021)[
        "A.08.industrial_base_matching"] == 1000 * W


def test_a08_industrial_base_matching_window_edge():
    """A.08.industrial_base_matching: A in force from 2018-11-13."""
    assert amounts(base("national_industrialisation_base", "2018-11-12", "1000000"), 2018) == {}
    assert amounts(base("national_industrialisation_base", "2018-11-13", "1000000"), 2018)[
        "A.08.industrial_base_matching"] == 100 * W


# ---- districts and zones (kind "region") and persons (kind "person")


def region(subject: str, on: str, kind: str = "certification", **kw) -> dict:
    return situation(kind="region", events=[event(kind, on, subject, **kw)])


def test_a20_innovative_county_reward_qualifies_county_and_town():
    """A.20.innovative_county_reward (威政发〔2018〕20号 第20条): 国家创新型县（市）500 万元, 创新型乡镇 100 万元."""
    assert amounts(region("national_innovative_county", "2020-05-01"), 2020)["A.20.innovative_county_reward"] == 500 * W
    assert amounts(region("innovative_town", "2020-05-01"), 2020)["A.20.innovative_county_reward"] == 100 * W


def test_a20_innovative_county_reward_not_for_enterprises_and_window_edge():
    """A.20.innovative_county_reward: an enterprise gets nothing; before A (2018-11-12) nothing; under B only with
    a_survives_b."""
    sit = situation(events=[event("certification", "2020-05-01", "national_innovative_county")])
    assert "A.20.innovative_county_reward" not in amounts(sit, 2020)
    assert amounts(region("national_innovative_county", "2018-11-12"), 2018) == {}
    assert "A.20.innovative_county_reward" not in amounts(region("innovative_town", "2024-05-01"), 2024,
                                                           interpretations={"a_survives_b": 0})


def test_a22_hightech_zone_ranking_reward_per_position_and_at_cap():
    """A.22.hightech_zone_ranking_reward (威政发〔2018〕20号 第22条): 每前移 1 个位次 200 万元; 3 位 → 600 万; 0 → nothing."""
    sit = region("hightech_zone_ranking_advance", "2020-12-01", kind="other", amount="3")
    assert amounts(sit, 2020)["A.22.hightech_zone_ranking_reward"] == 600 * W
    sit = region("hightech_zone_ranking_advance", "2020-12-01", kind="other", amount="0")
    assert "A.22.hightech_zone_ranking_reward" not in amounts(sit, 2020)


def test_a22_hightech_zone_ranking_reward_window_edge():
    """A.22.hightech_zone_ranking_reward: A in force from 2018-11-13."""
    early = region("hightech_zone_ranking_advance", "2018-11-12", kind="other", amount="1")
    on = region("hightech_zone_ranking_advance", "2018-11-13", kind="other", amount="1")
    assert amounts(early, 2018) == {} and amounts(on, 2018)["A.22.hightech_zone_ranking_reward"] == 200 * W


def person(on: str, level: str) -> dict:
    return situation(kind="person", events=[event("award", on, "top_science_award", level)])


def test_a14_top_science_award_person_qualifies_and_window_edge():
    """A.14.top_science_award_person (威政发〔2018〕20号 第14条): 国家 500 万, 省 200 万; from 2023-07-13 B 第22条 pays it
    (B.22.top_science_award_person), once."""
    assert amounts(person("2020-01-10", "national"), 2020)["A.14.top_science_award_person"] == 500 * W
    assert amounts(person("2023-07-12", "provincial"), 2023) == {"A.14.top_science_award_person": 200 * W}
    assert amounts(person("2023-07-13", "provincial"), 2023) == {"B.22.top_science_award_person": 200 * W}


def test_b22_top_science_award_person_qualifies_fails_and_window_end():
    """B.22.top_science_award_person (威政发〔2023〕5号 第22条): 国家 500 万 (the highest amount); a city award or an
    organisation gets nothing; B ends 2028-07-12."""
    assert amounts(person("2024-01-10", "national"), 2024) == {"B.22.top_science_award_person": 500 * W}
    assert amounts(person("2024-01-10", "city"), 2024) == {}
    org = situation(events=[event("award", "2024-01-10", "top_science_award", "national")])
    assert "B.22.top_science_award_person" not in amounts(org, 2024)
    assert "B.22.top_science_award_person" not in amounts(person("2028-07-13", "national"), 2028)


def test_a14_top_science_award_person_fails_for_organisations_and_before_a():
    """A.14.top_science_award_person: an enterprise winning gets nothing; before 2018-11-13 nothing."""
    org = situation(events=[event("award", "2020-01-10", "top_science_award", "national")])
    assert "A.14.top_science_award_person" not in amounts(org, 2020)
    assert amounts(person("2018-11-12", "national"), 2018) == {}


def test_b22_top_science_award_person_provincial_cites_the_article():
    """B.22.top_science_award_person: 省最高科学技术奖 200 万元, cited 威政发〔2023〕5号 第22条."""
    r = results(person("2025-02-01", "provincial"), 2025)["B.22.top_science_award_person"]
    assert r.amount == 200 * W and r.document == "威政发〔2023〕5号" and r.article == "第22条"


def test_a20_a22_region_rewards_cite_their_articles():
    """A.20.innovative_county_reward and A.22.hightech_zone_ranking_reward carry 威政发〔2018〕20号 and their article."""
    r = results(region("innovative_town", "2021-05-01"), 2021)["A.20.innovative_county_reward"]
    assert (r.document, r.article) == ("威政发〔2018〕20号", "第20条")
    sit = region("hightech_zone_ranking_advance", "2021-12-01", kind="other", amount="2")
    r = results(sit, 2021)["A.22.hightech_zone_ranking_reward"]
    assert (r.article, r.amount) == ("第22条", 400 * W)


def test_a14_top_science_award_person_cites_a_before_b():
    """A.14.top_science_award_person: 2022 省最高科学技术奖 → 200 万元, cited 威政发〔2018〕20号 第14条."""
    r = results(person("2022-06-01", "provincial"), 2022)["A.14.top_science_award_person"]
    assert (r.document, r.article, r.amount) == ("威政发〔2018〕20号", "第14条", 200 * W)
