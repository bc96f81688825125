"""Benchmark of the explanations (issue 11): ``policy.services.explain`` on ~50,000 situations. Prints figures.

    .venv/bin/python benchmarks/explain_bench.py --n 50000

The situations are the seeded ones of policy/tests/test_demo_city_identical.py (every event kind and subject the
rules read, qualifications and yearly facts, years across the documents' windows), normalised for their year and
computed in one simulation per year; only ``explain`` is timed (and, beside it, ``compute``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_DEBUG", "1")

import django  # noqa: E402

django.setup()

from policy import services  # noqa: E402
from policy.tests.test_demo_city_identical import _situations  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    by_year: dict[int, list[dict]] = defaultdict(list)
    for year, situation in _situations(args.n, args.seed):
        by_year[year].append(situation)
    tbs = services._system(2024, (), tuple(sorted(services._interpretation_settings().items())))
    t_compute = t_explain = 0.0
    results = applies = 0
    for year, situations in sorted(by_year.items()):
        rows = [services.normalise_situation(s, year) for s in situations]
        t0 = time.perf_counter()
        arrays = services.compute(rows, year, tbs)
        t1 = time.perf_counter()
        explained = services.explain(rows, arrays, year, tbs)
        t2 = time.perf_counter()
        t_compute += t1 - t0
        t_explain += t2 - t1
        results += sum(len(r) for r in explained)
        applies += sum(1 for lst in explained for r in lst if r.status == "applies")
        print(f"{year}: {len(rows):>6} situations, compute {t1 - t0:6.2f} s, explain {t2 - t1:6.2f} s")
    print(f"total: {args.n} situations, compute {t_compute:.2f} s, explain {t_explain:.2f} s "
          f"({t_explain / args.n * 1e6:.0f} µs per situation); {results} results ({applies} applies)")


if __name__ == "__main__":
    main()
