"""Science-and-technology finance benchmark: the Excel loan import rate, the policy engine reading loan records
(entities per second, vectorised), one borrower's 免申即享 evaluation, and the pool figures.

    DATABASE_URL=sqlite:////tmp/kc_finance_bench.sqlite3 \
        .venv/bin/python benchmarks/finance_bench.py --enterprises 4000 --loans 3000 --import-rows 2000

Builds (once per database) the demo city and the finance demo (``--loans``), then imports ``--import-rows`` loans from
one workbook (all-or-nothing validation + bulk write), evaluates every borrower with loans for 2024 through
``policy.services.evaluate_many`` (which reads loans, repayments and policies via ``POLICY_EVENT_SOURCES``), times one
borrower end to end (median, p95 of ``--single``) and the pools page's figures. Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=4000)
    parser.add_argument("--loans", type=int, default=3000)
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--single", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.common import ensure_demo_city, percentile
    from policy import services as policy
    from registry.models import Organization
    from scifinance import excel, pools
    from scifinance.demo import generate
    from scifinance.models import Loan, Partner, PartnerKind, RiskPool

    call_command("migrate", verbosity=0)
    ensure_demo_city(args.enterprises, 2019)
    if not Partner.objects.exists():
        t = time.perf_counter()
        s = generate(loans=args.loans)
        print(f"finance demo: {s.loans:,} loans, {s.repayments:,} repayments, {s.claims} claims in "
              f"{time.perf_counter() - t:,.1f} s")

    bank = Partner.objects.filter(kind=PartnerKind.BANK).first()
    ents = list(Organization.objects.filter(kind="enterprise").values_list("uscc", flat=True)[:500])
    rows = [[ents[i % len(ents)], "知识产权质押贷款", f"BENCH{time.time_ns()}-{i}", "2024-05-20", "1000000", "12",
             "3.45", "知识产权质押", "", ""] for i in range(args.import_rows)]
    data = excel.build_workbook(rows)
    t = time.perf_counter()
    result = excel.import_loans(data, bank, None)
    dt_import = time.perf_counter() - t
    print(f"Excel import: {result.loans:,} loans ({len(result.errors)} errors) in {dt_import:,.2f} s = "
          f"{args.import_rows / dt_import:,.0f} rows/s")

    borrowers = list(Loan.objects.order_by().values_list("borrower_id", flat=True).distinct())
    t = time.perf_counter()
    n = sum(1 for _ in policy.evaluate_many(borrowers, 2024))
    dt_many = time.perf_counter() - t
    print(f"engine over loan records: {n:,} borrowers for 2024 in {dt_many:,.2f} s = {n / dt_many:,.0f} entities/s")

    sample = Organization.objects.filter(pk__in=borrowers[: args.single])
    times = []
    for org in sample:
        t = time.perf_counter()
        policy.evaluate_organization(org, 2024)
        times.append(time.perf_counter() - t)
    print(f"one borrower end to end: median {statistics.median(times) * 1000:,.0f} ms, "
          f"p95 {percentile(times, 95) * 1000:,.0f} ms over {len(times)}")

    t = time.perf_counter()
    for pool in RiskPool.objects.all():
        pools.figures(pool)
    print(f"pool figures (all pools, exposure by bank): {(time.perf_counter() - t) * 1000:,.0f} ms")


if __name__ == "__main__":
    main()
