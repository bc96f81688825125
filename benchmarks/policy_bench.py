"""Benchmark of the policy engine (issue 3). Prints figures; not a test.

    .venv/bin/python benchmarks/policy_bench.py --n 1000000 --batch 100000 --single 200

1. All provisions for N synthetic enterprises for one year, vectorised (openfisca simulations of ``--batch``
   organisations each, the same ``policy.services.compute`` that ``evaluate_many`` uses): seconds, entities/s.
2. One entity explained end to end through ``policy.services.evaluate_situation``: median and p95 milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_DEBUG", "1")  # development settings, as the figures in README were taken

import django  # noqa: E402

django.setup()

from policy import services  # noqa: E402

YEAR = 2024
SUBJECTS = [("platform_approval", "technology_innovation_center", "national"),
            ("platform_approval", "key_laboratory", "provincial"), ("platform_approval", "incubator", "national"),
            ("award", "provincial_st_award", "provincial"), ("tech_contract", "tech_development", ""),
            ("certification", "incubatee_high_tech", ""), ("financing", "ip_pledge_loan", ""),
            ("financing", "ip_evaluation_fee", ""), ("platform_approval", "international_cooperation_base", "national"),
            ("certification", "brand_incubator", "")]


def synthetic_rows(n: int, rng: np.random.Generator) -> list[dict]:
    before = rng.lognormal(14, 1.5, n)
    now = before * rng.uniform(0.8, 1.5, n)
    hte = rng.random(n) < 0.3
    certified = hte & (rng.random(n) < 0.3)
    n_events = rng.poisson(0.4, n)
    days = rng.integers(0, 365, n_events.sum())
    kinds = rng.integers(0, len(SUBJECTS), n_events.sum())
    amounts = rng.lognormal(13, 1.5, n_events.sum())
    rows, k = [], 0
    start = dt.date(YEAR, 1, 1)
    for i in range(n):
        events = []
        for _ in range(n_events[i]):
            kind, subject, level = SUBJECTS[kinds[k]]
            events.append({"kind": kind, "subject": subject, "level": level, "grade": "first", "role": "lead",
                           "date": start + dt.timedelta(days=int(days[k])), "amount": float(amounts[k]), "title": ""})
            k += 1
        rows.append({"kind": "enterprise", "region": "", "is_high_tech_enterprise": bool(hte[i]),
                     "is_tech_sme": not hte[i], "above_designated_size": bool(i % 3 == 0), "rd_active": True,
                     "hte_certified": bool(certified[i]), "hte_first_certification": bool(i % 2),
                     "hte_certified_on": start + dt.timedelta(days=int(i % 365)) if certified[i] else None,
                     "rd_expense": float(now[i]), "rd_expense_prev": float(before[i]),
                     "sales_revenue_y0": float(now[i] * 20), "sales_revenue_y1": float(before[i] * 20),
                     "sales_revenue_y3": float(before[i] * 15), "events": events})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--single", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    tbs = services._system(YEAR, (), tuple(sorted(services._interpretation_settings().items())))

    build = compute = 0.0
    total_amount = 0.0
    done = 0
    while done < args.n:
        size = min(args.batch, args.n - done)
        t0 = time.perf_counter()
        rows = synthetic_rows(size, rng)
        t1 = time.perf_counter()
        arrays = services.compute(rows, YEAR, tbs)
        t2 = time.perf_counter()
        build += t1 - t0
        compute += t2 - t1
        total_amount += sum(float(arrays[p.variable].sum()) for p in services.PROVISIONS
                            if p.variable != "b01_platform_reward") + float(arrays["b01_platform_reward"].sum())
        done += size
        print(f"  {done:>9,} enterprises: engine {compute:.1f} s", flush=True)
    print(f"[vectorised] {args.n:,} synthetic enterprises, {len(services.PROVISIONS)} provisions, year {YEAR}: "
          f"engine {compute:.1f} s = {args.n / compute:,.0f} entities/s (synthetic data generation {build:.1f} s "
          f"not counted); total amounts {total_amount / 1e8:,.1f} 亿元")

    situation = {"kind": "enterprise", "qualifications": [
        {"kind": "high_tech_enterprise", "valid_from": "2024-05-01", "valid_to": "2026-12-31"},
        {"kind": "above_designated_size", "valid_from": "2024-01-01", "valid_to": "2024-12-31"}],
        "recognitions": [{"kind": "platform_approval", "subject": "key_laboratory", "level": "provincial",
                          "occurred_on": "2024-03-01"},
                         {"kind": "tech_contract", "subject": "tech_development", "occurred_on": "2024-04-01", "amount": "8000000"}],
        "annual_facts": {"2024": {"rd_expense": "23000000", "sales_revenue": "9e7"},
                         "2023": {"rd_expense": "20000000", "sales_revenue": "8e7"}, "2021": {"sales_revenue": "5e7"}}}
    services.evaluate_situation(situation, "2024")
    times = []
    for _ in range(args.single):
        t0 = time.perf_counter()
        services.evaluate_situation(situation, "2024")
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"[single] evaluate_situation end to end ({args.single} runs): median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
