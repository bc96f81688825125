"""Property tests (hypothesis): no amount is negative, none exceeds its cap, proportional amounts are monotone."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from policy import services
from policy.tests.helpers import event, qual, situation

money = st.integers(min_value=0, max_value=10**10)
CAPS = {"B.09.rd_growth_subsidy": Decimal(1_000_000), "B.14.contract_subsidy": Decimal(300_000),
        "A.16.incubatee_upgrade_reward": Decimal(1_000_000)}


def rd_situation(now: int, before: int) -> dict:
    return situation(quals=[qual("tech_sme", "2024-01-01"), qual("above_designated_size", "2024-01-01")],
                     facts={"2024": {"rd_expense": str(now), "rd_active": True}, "2023": {"rd_expense": str(before)}})


def total(sit: dict, pid: str, year: str = "2024") -> Decimal:
    return sum((r.amount for r in services.evaluate_situation(sit, year).results if r.provision_id == pid),
               Decimal(0))


@settings(max_examples=60, deadline=None)
@given(now=money, before=money)
def test_b09_rd_growth_subsidy_never_negative_nor_above_cap(now, before):
    """B.09.rd_growth_subsidy: 0 ≤ amount ≤ 100 万元 for any R&D figures."""
    for r in services.evaluate_situation(rd_situation(now, before), "2024").results:
        assert Decimal(0) <= r.amount <= CAPS.get(r.provision_id, Decimal(10**9))


@settings(max_examples=60, deadline=None)
@given(before=st.integers(min_value=1, max_value=10**9), inc=st.integers(min_value=0, max_value=10**9),
       more=st.integers(min_value=0, max_value=10**9))
def test_b09_rd_growth_subsidy_monotone_in_increment(before, inc, more):
    """B.09.rd_growth_subsidy: a larger R&D increment never gives a smaller amount."""
    small = total(rd_situation(before + inc, before), "B.09.rd_growth_subsidy")
    large = total(rd_situation(before + inc + more, before), "B.09.rd_growth_subsidy")
    assert large >= small


@settings(max_examples=60, deadline=None)
@given(payments=st.lists(money, min_size=1, max_size=6), more=money)
def test_b14_contract_subsidy_capped_and_monotone(payments, more):
    """B.14.contract_subsidy: capped at 30 万 per year, never negative, monotone in the payments."""
    evs = [event("tech_contract", "2024-03-01", "tech_development", amount=str(a)) for a in payments]
    sme = [{"kind": "tech_sme", "valid_from": "2024-01-01", "valid_to": "2024-12-31"}]
    base = total(situation(quals=sme, events=evs), "B.14.contract_subsidy")
    grown = total(situation(quals=sme, events=[*evs, event("tech_contract", "2024-04-01", "tech_transfer",
                                                            amount=str(more))]),
                  "B.14.contract_subsidy")
    assert Decimal(0) <= base <= CAPS["B.14.contract_subsidy"]
    assert grown >= base


@settings(max_examples=40, deadline=None)
@given(amount=money, grade=st.sampled_from(["一等奖", "二等奖", "三等奖", "特等奖", "青年奖"]),
       day=st.dates(min_value=__import__("datetime").date(2019, 1, 1), max_value=__import__("datetime").date(2027, 12, 31)))
def test_provincial_award_matching_never_exceeds_provincial_amount(amount, grade, day):
    """A.14.provincial_award_matching / B.22.provincial_award_matching: 1:1, never above the provincial money."""
    sit = situation(kind="research_institution",
                    events=[event("award", day.isoformat(), "provincial_st_award", grade=grade, amount=str(amount))])
    for r in services.evaluate_situation(sit, str(day.year)).results:
        assert Decimal(0) <= r.amount <= Decimal(amount)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=0, max_value=30))
def test_a16_incubatee_upgrade_reward_never_above_cap(n):
    """A.16.incubatee_upgrade_reward: n × 10 万, at most 100 万 per incubator per year."""
    sit = situation(kind="platform", events=[event("certification", "2022-03-01", "incubatee_high_tech")] * n)
    assert total(sit, "A.16.incubatee_upgrade_reward", "2022") == min(Decimal(100_000) * n, Decimal(1_000_000))


@settings(max_examples=40, deadline=None)
@given(loans=st.lists(money, min_size=1, max_size=4), more=money,
       day=st.dates(min_value=__import__("datetime").date(2023, 7, 13),
                    max_value=__import__("datetime").date(2025, 6, 30)))
def test_b25_ip_loan_interest_capped_and_monotone(loans, more, day):
    """B.25.ip_loan_interest: 0 ≤ amount ≤ 20 万 per year; adding a loan never lowers it."""
    evs = [event("financing", day.isoformat(), "ip_pledge_loan", amount=str(a)) for a in loans]
    base = total(situation(events=evs), "B.25.ip_loan_interest", str(day.year))
    grown = total(situation(events=[*evs, event("financing", day.isoformat(), "ip_pledge_loan", amount=str(more))]),
                  "B.25.ip_loan_interest", str(day.year))
    assert Decimal(0) <= base <= Decimal(200_000) and grown >= base


@settings(max_examples=40, deadline=None)
@given(fees=st.lists(money, min_size=1, max_size=4), subject=st.sampled_from(["ip_evaluation_fee", "ip_pledge_insurance"]))
def test_b25_fee_and_insurance_never_above_cap(fees, subject):
    """B.25.ip_evaluation_fee / B.25.ip_insurance: never negative, never above 5 万 / 2 万 per year."""
    pid, cap = (("B.25.ip_evaluation_fee", 50_000) if subject == "ip_evaluation_fee"
                else ("B.25.ip_insurance", 20_000))
    evs = [event("financing", "2024-05-01", subject, amount=str(a)) for a in fees]
    assert Decimal(0) <= total(situation(events=evs), pid) <= Decimal(cap)
