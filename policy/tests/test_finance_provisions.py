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
