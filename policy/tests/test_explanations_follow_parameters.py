"""Explanations read the same parameters as the rules (issue 11).

For every provision and each of its tunable parameters, a situation where the provision applies is evaluated again
with the parameter changed (to 80% of its value): every figure of the sentence that came from the parameter must be
the changed one — a rate "× 5%" becomes "× 4%", a cap "30 万元" becomes "24 万元", a threshold "≥ 10%" becomes
"≥ 8%" — and the old figure must be gone, unless the old figure is also another parameter's or an input's (then
the sentence cannot tell them apart and the pair is not judged).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pytest

from policy import services
from policy.catalogue import PROVISIONS
from policy.explain import ParamReader
from policy.tests.test_demo_city_identical import _situations

FACTOR = Decimal("0.8")


def _forms(value: float, unit: str, ratio: bool | None = None) -> list[str]:
    """The ways a parameter's value is printed in sentences, as regular expressions (``ratio``: also as a matching
    ratio "× 1", the default for values of 1 and more)."""
    if unit == "比例":
        out = [re.escape(services.pct(value))]
        if (value >= 1) if ratio is None else ratio:
            out.append(re.escape(f"× {value:g}") + r"(?![\d.%])")
        return [r"(?<![\d.])" + f for f in out]
    if unit == "件":
        return [r"(?<![\d.])" + re.escape(f"{value:g} 件")]
    if unit == "元":
        return [r"(?<![\d.])" + re.escape(services.wan(value))]
    return []


def _text(results: list, pid: str) -> str:
    return " ".join(f"{r.explanation} {r.missing}" for r in results if r.provision_id == pid)


def _inputs(situation: dict) -> set[str]:
    """Every figure the situation itself brings (event amounts, yearly facts), as printed."""
    values: set[float] = set()
    for e in situation.get("recognitions", []):
        if e.get("amount") is not None:
            values.add(float(e["amount"]))
    for row in situation.get("annual_facts", {}).values():
        values |= {float(v) for k, v in row.items() if v not in (None, "") and k != "rd_active"}
    return {services.wan(v) for v in values} | {f"{v:g} 件" for v in values}


@pytest.fixture(scope="module")
def applying() -> dict[str, list[tuple[int, dict]]]:
    """Provision id → seeded situations (year, situation) where it applies with today's parameters."""
    by_year: dict[int, list[dict]] = defaultdict(list)
    for year, situation in _situations(1500):
        if situation["kind"] == "enterprise":  # 中小微企业 (B 第25、30条): a declared size, so those provisions apply
            situation = {**situation, "sme_size": "small"}
        by_year[year].append(situation)
    found: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for year, situations in by_year.items():
        rows = [services.normalise_situation(s, year) for s in situations]
        for situation, results in zip(situations, services._evaluate_rows(rows, year, None, None), strict=True):
            for r in results:
                if r.status == "applies" and len(found[r.provision_id]) < 6:
                    found[r.provision_id].append((year, situation))
    return found


def test_every_parameter_figure_in_a_sentence_follows_the_parameter(applying) -> None:
    tunable = {t["path"]: t for t in services.tunable_parameters()}
    reader = ParamReader(services._base_system().parameters)
    judged, stale, unreached = [], [], []
    for p in PROVISIONS:
        if not applying.get(p.id):
            unreached.append(p.id)
            continue
        for path in p.parameters:
            spec = tunable.get(path)
            if spec is None or spec["unit"] == "":
                continue
            others = {f for q in p.parameters if q != path and q in tunable
                      for f in _forms(float(tunable[q]["value_now"]), tunable[q]["unit"])}
            for year, situation in applying[p.id]:
                old_value = reader.cap_of_year(path, year) or 0.0
                if old_value == 0:
                    continue
                new_value = float(Decimal(str(old_value)) * FACTOR)
                try:
                    changed = services.evaluate_situation(situation, str(year), overrides={path: str(new_value)})
                except services.PolicyInputError:  # not in force that year
                    continue
                before = _text(services.evaluate_situation(situation, str(year)).results, p.id)
                after = _text(changed.results, p.id)
                inputs = _inputs(situation)
                for old_form, new_form in zip(_forms(old_value, spec["unit"]), _forms(new_value, spec["unit"], old_value >= 1),
                                              strict=True):
                    if not re.search(old_form, before) or old_form in others:
                        continue
                    if any(re.fullmatch(old_form.replace(r"(?<![\d.])", ""), x) for x in inputs):
                        continue
                    judged.append(f"{p.id} {path}")
                    if not re.search(new_form, after) or re.search(old_form, after):
                        stale.append(f"{p.id} {path}={new_value:g} ({year}): {after}")
                break
    assert not stale, "sentences that do not follow their parameters:\n" + "\n".join(stale)
    assert len(set(judged)) >= 40, f"only {len(set(judged))} (provision, parameter) pairs judged; unreached: {unreached}"
    # the sentences that once printed literals instead of their parameters are among those judged
    assert {"B.25.ip_evaluation_fee b.art_25.evaluation_fee_rate", "B.25.ip_insurance b.art_25.insurance_cap",
            "B.17.hte_growth_reward b.art_17.cagr_threshold"} <= set(judged), sorted(set(judged))
    print(f"judged {len(set(judged))} pairs; unreached: {unreached}")


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("b.art_14.rate", "0.08", "× 8% = 8 万元"),
    ("b.art_17.cagr_threshold", "0.05", "≥ 5%"),
])
def test_issue_examples(path: str, value: str, expected: str) -> None:
    """The two wrong sentences named in issue 11."""
    situation = {"kind": "enterprise", "region": "371002",
                 "qualifications": [{"kind": "tech_sme", "valid_from": "2022-01-01", "valid_to": "2025-12-31"},
                                    {"kind": "high_tech_enterprise", "valid_from": "2024-05-01",
                                     "valid_to": "2026-12-31", "certification": "first_certification"}],
                 "recognitions": [{"kind": "tech_contract", "subject": "tech_development", "role": "buyer",
                                   "occurred_on": "2024-03-01", "amount": "1000000"}],
                 "annual_facts": {"2021": {"sales_revenue": "20000000"}, "2023": {"sales_revenue": "23000000"},
                                  "2024": {"sales_revenue": "25000000"}}}
    results = services.evaluate_situation(situation, "2024", overrides={path: value}).results
    pid = "B.14.contract_subsidy" if "14" in path else "B.17.hte_growth_reward"
    assert expected in _text(results, pid)
