"""openfisca cost per entity·variable: the Weihai rules against plain openfisca formulas (issue 11). Prints figures;
not a test, asserts nothing.

    .venv/bin/python benchmarks/openfisca_bench.py --n 100000 --repeat 3 [--single 200]

A synthetic population of N organisations with about one qualifying event each (a mix of the kinds, subjects,
levels and grades the rules read, dated across 2023–2025 so that about 1,100 distinct dates occur, with B coming
into force on 2023-07-13) is put into one simulation for 2024 with ready numpy arrays, as the screening does.
(a) Every Weihai variable that has a formula is calculated ("weihai"); (b) the same number of plain variables per
entity (a toy formula of simple numpy arithmetic on the inputs) on the same arrays ("plain"). Each figure is the best
of ``--repeat`` fresh simulations, divided by Σ over the variables of the number of entities of the variable's entity. ``--single``
also times one entity through ``evaluate_situation`` (CPU and wall p95; ``--n 0`` for that alone).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openfisca_core.periods import YEAR  # noqa: E402
from openfisca_core.simulations import SimulationBuilder  # noqa: E402
from openfisca_core.variables import Variable  # noqa: E402

from policy_weihai import build_system  # noqa: E402
from policy_weihai.entities import Event, Organisation  # noqa: E402
from policy_weihai.variables.common import GRADE_CODES, RULES  # noqa: E402

PERIOD = "2024"
LEVELS = ("national", "provincial", "city", "")
#: Events the hand-written (not table-driven) provisions read, besides those of the rule tables.
EXTRA = [("tech_contract", "tech_development", "buyer"), ("tech_contract", "tech_transfer", "buyer"),
         ("tech_contract", "tech_development", "seller"), ("financing", "ip_pledge_loan", ""),
         ("financing", "ip_evaluation_fee", ""), ("financing", "ip_pledge_insurance", ""),
         ("financing", "tech_bank_loan", ""), ("platform_approval", "technology_innovation_center", "lead"),
         ("platform_approval", "key_laboratory", "lead"), ("platform_approval", "incubator", ""),
         ("platform_approval", "makerspace", ""), ("platform_approval", "university_science_park", ""),
         ("award", "national_st_award", "lead"), ("award", "provincial_st_award", "lead"),
         ("certification", "incubatee_high_tech", ""), ("certification", "brand_incubator", ""),
         ("certification", "brand_makerspace", "")]


def event_templates() -> list[tuple[str, str, str]]:
    out = set(EXTRA)
    for rule in RULES.values():
        for path in rule.paths:
            for subject in path.subjects:
                out.add((path.kind, subject, path.role or "lead"))
    return sorted(out)


def population(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Input arrays: events (with one placeholder per organisation, as policy.services.compute does) and orgs."""
    templates = event_templates()
    per_org = rng.poisson(1.0, n)
    owner = np.concatenate([np.repeat(np.arange(n), per_org), np.arange(n)])
    real = int(per_org.sum())
    pick = rng.integers(0, len(templates), real)
    kind = np.array([templates[k][0] for k in pick] + [""] * n, dtype=object)
    subject = np.array([templates[k][1] for k in pick] + [""] * n, dtype=object)
    role = np.array([templates[k][2] for k in pick] + [""] * n, dtype=object)
    level = np.concatenate([np.array(LEVELS, dtype=object)[rng.integers(0, len(LEVELS), real)],
                            np.array([""] * n, dtype=object)])
    grades = np.array(sorted(set(GRADE_CODES.values())), dtype=object)
    grade = np.concatenate([grades[rng.integers(0, len(grades), real)], np.array([""] * n, dtype=object)])
    start = np.datetime64("2023-01-01")
    dates = np.concatenate([start + rng.integers(0, 3 * 365 + 1, real), np.full(n, np.datetime64("2024-01-01"))])
    org_kinds = np.array(["enterprise"] * 8 + ["research_institution", "platform", "service_provider"], dtype=object)
    org_kind = org_kinds[rng.integers(0, len(org_kinds), n)]
    before = rng.lognormal(14, 1.5, n)
    now = before * rng.uniform(0.8, 1.5, n)
    hte = rng.random(n) < 0.3
    certified = hte & (rng.random(n) < 0.3)
    return {
        "_owner": owner, "event_kind": kind, "event_subject": subject, "event_role": role, "event_level": level,
        "event_grade": grade, "event_date": dates.astype("datetime64[D]"),
        "event_amount": np.concatenate([rng.lognormal(13, 1.5, real), np.zeros(n)]),
        "event_org_kind": np.concatenate([org_kind[owner[:real]], np.array([""] * n, dtype=object)]),
        "event_is_enterprise": np.concatenate([org_kind[owner[:real]] == "enterprise", np.zeros(n, bool)]),
        "org_is_enterprise": org_kind == "enterprise", "org_is_service_provider": org_kind == "service_provider",
        "rd_expense": now, "rd_expense_prev": before, "rd_active": np.ones(n, bool),
        "above_designated_size": rng.random(n) < 0.35, "is_high_tech_enterprise": hte, "is_tech_sme": ~hte,
        "hte_certified": certified, "hte_first_certification": rng.random(n) < 0.5,
        "hte_certified_on": np.where(certified, np.datetime64("2024-01-01") + rng.integers(0, 366, n),
                                     np.datetime64("2024-01-01")).astype("datetime64[D]"),
        "sales_revenue_y0": now * 20, "sales_revenue_y1": before * 20, "sales_revenue_y3": before * 15,
        "is_leading_tech_enterprise": rng.random(n) < 0.02, "is_specialised_sme": rng.random(n) < 0.1,
        "invention_patents_granted": rng.poisson(0.5, n).astype(float),
        "agency_invention_patents": rng.poisson(0.2, n).astype(float),
    }


#: String inputs (``--text-codes`` hands them to the simulation as distinct values and codes).
TEXT_INPUTS = ("event_kind", "event_subject", "event_role", "event_level", "event_grade", "event_org_kind")


def simulation(tbs, data: dict[str, np.ndarray], coded: dict[str, tuple[np.ndarray, np.ndarray]] | None = None):
    owner = data["_owner"]
    n, m = int(owner.max()) + 1, len(owner)
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("event", [str(k) for k in range(m)])
    orgs = builder.declare_entity("organisation", [str(k) for k in range(n)])
    builder.join_with_persons(orgs, owner.astype(str), np.array(["event"] * m))
    sim = builder.build(tbs)
    for name, values in data.items():
        if coded and name in coded:
            from policy_weihai.variables.common import set_text_input

            set_text_input(sim, name, PERIOD, *coded[name])
        elif not name.startswith("_"):
            sim.set_input(name, PERIOD, values)
    return sim


def toy_variables(weihai_outputs: list[tuple[str, str]]) -> list[type]:
    """One plain variable per Weihai output, on the same entity: simple numpy arithmetic on two inputs."""
    out = []
    for k, (_, entity) in enumerate(weihai_outputs):
        if entity == "event":
            def formula(event, period, parameters, k=k):
                return np.where(event("event_is_enterprise", period), event("event_amount", period) * 0.05, k)
            ent = Event
        else:
            def formula(org, period, parameters, k=k):
                return np.minimum((org("rd_expense", period) - org("rd_expense_prev", period)) * 0.05, 1e6 + k)
            ent = Organisation
        out.append(type(f"toy_{k}", (Variable,), {"value_type": float, "entity": ent, "definition_period": YEAR,
                                                  "label": "toy", "formula": formula}))
    return out


def timed(cases: list[tuple], data, repeat: int, coded=None) -> list[tuple[float, float]]:
    """Per case (system, variable names): best CPU seconds of this process and best wall seconds over ``repeat``
    fresh simulations. The cases take turns within each round, so that a shared machine's load, which drifts over
    seconds, weighs on every case alike (CPU time is the steadier figure; numpy runs these operations on one thread)."""
    best = [[float("inf"), float("inf")] for _ in cases]
    for _ in range(repeat):
        for k, (tbs, names) in enumerate(cases):
            sim = simulation(tbs, data, coded)
            c0, t0 = time.process_time(), time.perf_counter()
            for name in names:
                sim.calculate(name, PERIOD)
            best[k][0] = min(best[k][0], time.process_time() - c0)
            best[k][1] = min(best[k][1], time.perf_counter() - t0)
    return [(cpu, wall) for cpu, wall in best]


def single(runs: int) -> None:
    """One entity through policy.services.evaluate_situation (the situation of benchmarks/policy_bench.py): p95 in CPU
    time of this process and in wall time, so that a shared machine's figure can be told from the code's."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ.setdefault("KECHUANG_DEBUG", "1")
    import django

    django.setup()
    from policy import services

    situation = {"kind": "enterprise", "qualifications": [
        {"kind": "high_tech_enterprise", "valid_from": "2024-05-01", "valid_to": "2026-12-31"},
        {"kind": "above_designated_size", "valid_from": "2024-01-01", "valid_to": "2024-12-31"}],
        "recognitions": [{"kind": "platform_approval", "subject": "key_laboratory", "level": "provincial",
                          "occurred_on": "2024-03-01"},
                         {"kind": "tech_contract", "subject": "tech_development", "occurred_on": "2024-04-01",
                          "amount": "8000000"}],
        "annual_facts": {"2024": {"rd_expense": "23000000", "sales_revenue": "9e7"},
                         "2023": {"rd_expense": "20000000", "sales_revenue": "8e7"}, "2021": {"sales_revenue": "5e7"}}}
    services.evaluate_situation(situation, "2024")
    cpu, wall = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        services.evaluate_situation(situation, "2024")
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    cpu.sort()
    wall.sort()
    at = int(0.95 * (runs - 1))
    print(f"[single] evaluate_situation ({runs} runs): p95 {cpu[at]:.1f} ms CPU (median {cpu[runs // 2]:.1f}), "
          f"p95 {wall[at]:.1f} ms wall (median {wall[runs // 2]:.1f}) (target p95 ≤ 20 ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="organisations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--text-codes", action="store_true",
                        help="hand the string inputs over as distinct values and codes (common.set_text_input), "
                             "as a caller that has them (a categorical column, pandas.factorize) can")
    parser.add_argument("--single", type=int, default=0,
                        help="also time one entity through evaluate_situation this many times (needs Django)")
    args = parser.parse_args()
    if args.single:
        single(args.single)
    if not args.n:
        return
    rng = np.random.default_rng(11)
    data = population(args.n, rng)
    n_events, n_orgs = len(data["_owner"]), args.n
    distinct = len(np.unique(data["event_date"]))

    tbs = build_system()
    outputs = sorted((name, v.entity.key) for name, v in tbs.variables.items() if v.formulas)
    entity_size = {"event": n_events, "organisation": n_orgs}
    cells = sum(entity_size[entity] for _, entity in outputs)
    plain_tbs = build_system()
    toys = toy_variables(outputs)
    for toy in toys:
        plain_tbs.add_variable(toy)
    coded = None
    if args.text_codes:
        coded = {}
        for name in TEXT_INPUTS:
            labels, codes = np.unique(data[name].astype(str), return_inverse=True)
            coded[name] = (labels, codes.reshape(-1))
    weihai, plain = timed([(tbs, [name for name, _ in outputs]), (plain_tbs, [toy.__name__ for toy in toys])], data,
                          args.repeat, coded)

    print(f"population: {n_orgs:,} organisations, {n_events:,} events (placeholders included), "
          f"{distinct:,} distinct event dates; {len(outputs)} variables with a formula "
          f"({sum(e == 'event' for _, e in outputs)} per event) = {cells:,} entity·variables"
          + ("; string inputs handed over as codes" if coded else ""))
    for label, (cpu, wall) in (("weihai", weihai), ("plain ", plain)):
        print(f"[{label}] {cpu:.3f} s CPU = {cpu / cells * 1e9:.1f} ns per entity·variable "
              f"(wall {wall:.3f} s = {wall / cells * 1e9:.1f} ns)")
    print(f"[ratio]  weihai / plain = {weihai[0] / plain[0]:.2f}× CPU, {weihai[1] / plain[1]:.2f}× wall (target ≤ 2×)")

if __name__ == "__main__":
    main()
