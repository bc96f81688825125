"""The coverage inventory lists every encoded provision and every article with an amount."""

from __future__ import annotations

from policy import coverage
from policy.catalogue import BY_ID, INTERPRETATIONS, PROVISIONS
from policy_weihai import build_system


def test_every_provision_is_in_the_inventory():
    listed = {pid for r in coverage.report() for pid in r["provisions"]}
    assert set(BY_ID) <= listed
    assert listed <= set(BY_ID)


def test_every_provision_variable_exists_and_carries_a_reference():
    system = build_system()
    for p in PROVISIONS:
        variable = system.variables[p.variable]
        refs = variable.reference if isinstance(variable.reference, list) else [variable.reference]
        assert any(p.document in str(r) and p.article in str(r) for r in refs), p.id


def test_every_output_variable_is_catalogued():
    """Every per-provision variable of policy_weihai (doc_a, doc_b) is used by a catalogued provision."""
    from policy_weihai.variables import doc_a, doc_b
    from policy_weihai.variables.common import RULES

    helpers = {"b14_contract_subsidy_event", "a16_incubatee_upgrade_event", "hte_sales_cagr", "b25_ip_loan_lpr",
               "b25_ip_loan_interest_event", "b25_ip_evaluation_fee_event", "b25_ip_insurance_event",
               "b27_tech_bank_loan_amount"} | {f"{name}_event" for name, rule in RULES.items() if rule.cap}
    used = {p.variable for p in PROVISIONS} | helpers
    assert {v.__name__ for v in doc_a.VARIABLES + doc_b.VARIABLES} <= used


def test_every_encoded_provision_has_tests():
    counts = coverage.test_counts()
    assert all(counts[pid] >= 3 for pid in BY_ID), {k: v for k, v in counts.items() if v < 3}


def test_interpretations_are_named_and_justified():
    for name in {i for p in PROVISIONS for i in p.interpretations}:
        assert name in INTERPRETATIONS and INTERPRETATIONS[name].justification


def test_all_documents_listed():
    rows = coverage.report()
    assert {r["document_key"] for r in rows} == {"A", "B", "C", "D", "E"}  # C: its targets and a look back
    assert coverage.summary()["encoded"] >= 14


def test_lpr_reference_data_has_source():
    from pathlib import Path

    text = (Path(coverage.HERE).parent / "policy_weihai" / "data" / "lpr_1y.csv").read_text(encoding="utf-8")
    assert "Source" in text and "2019-08,4.25" in text
