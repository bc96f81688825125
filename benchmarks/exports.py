"""Exports and a big run's totals (issue 28 items 4 and 5): figures for a screening run's Excel and CSV exports and
for its totals page, at a few thousand and at a million result rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_export_bench \
        .venv/bin/python benchmarks/exports.py --enterprises 2000 --small 5000 --big 1000000

The demo city is generated once (skipped when the database already holds that many enterprises) and screened for
``--year``. Its result rows are copied into two more runs: the first ``--small`` rows, and as many whole copies as
reach ``--big`` rows (each copy's rows shifted in ``seq`` by one more than its largest, so they stay distinct). The big run's totals are kept
batch by batch as a run's worker keeps them (``_keep_totals`` over ranges of organisations), then:

* the Excel export (openpyxl write-only) of the small run, and of the big run with ``--big-excel``;
* the CSV export of the big run (every row, streamed);
* the totals: kept (what the run page reads) and counted from every result row (runs made before), and the run page
  through the whole Django stack for the bureau account (median of ``--requests``).

Prints figures; asserts none.
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
os.environ.setdefault("KECHUANG_DEBUG", "1")

from benchmarks.common import ensure_demo_city  # noqa: E402

COLUMNS = ("organization_id", "region_id_snapshot", "seq", "provision_id", "title", "document", "article", "form",
           "is_ceiling", "amount", "status", "explanation", "missing")


def _copy_results(source_id: int, target_id: int, limit: int | None = None, seq_shift: int = 0) -> None:
    from django.db import connection

    from screening.models import ScreeningResult

    table = ScreeningResult._meta.db_table
    cols = ", ".join(COLUMNS)
    picked = ", ".join(f"seq + {int(seq_shift)}" if c == "seq" else c for c in COLUMNS)
    tail = f" ORDER BY id LIMIT {int(limit)}" if limit else ""
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (run_id, {cols}) SELECT %s, {picked} FROM {table} WHERE run_id = %s{tail}",
                    [target_id, source_id])


def _done_copy(base, label: str, totals_kept: bool = False):
    from django.utils import timezone

    from screening.models import ScreeningRun

    return ScreeningRun.objects.create(year=base.year, total=base.total, processed=base.total,
                                       status=ScreeningRun.Status.DONE, finished_at=timezone.now(),
                                       error=f"benchmark copy: {label}", totals_kept=totals_kept)


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--first-year", type=int, default=2023)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--small", type=int, default=5000, help="rows of the run exported to Excel")
    parser.add_argument("--big", type=int, default=1_000_000, help="rows of the big run (CSV export, totals)")
    parser.add_argument("--big-excel", action="store_true", help="also export the big run to Excel")
    parser.add_argument("--batch", type=int, default=10_000, help="organisations per batch when keeping totals")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark runs and their results")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max
    from django.test import Client

    from accounts.models import User
    from screening import services
    from screening.models import RunTotal, ScreeningRun

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    ensure_demo_city(args.enterprises, args.first_year)
    base = services.start_run(None, year=args.year, enqueue=False)
    base = services.execute_run(base.pk)
    rows = base.results.count()
    print(f"screened {base.processed:,} organisations: {rows:,} result rows")
    runs = [base]
    step = (base.results.aggregate(m=Max("seq"))["m"] or 0) + 1  # copies' seq shift: rows stay distinct, in range
    try:
        small = _done_copy(base, "small")
        runs.append(small)
        copies = 0
        while (have := small.results.count()) < args.small:
            _copy_results(base.pk, small.pk, limit=args.small - have, seq_shift=copies * step)
            copies += 1
        small_rows = small.results.count()
        data, seconds = _timed(services.export_excel, small)
        print(f"Excel export (write-only), {small_rows:,} rows: {seconds:.2f} s, {len(data) / 1e6:.1f} MB")

        big = _done_copy(base, "big", totals_kept=True)  # its totals are kept below, batch by batch
        runs.append(big)
        start, copies = time.perf_counter(), 0
        while big.results.count() < args.big:
            _copy_results(base.pk, big.pk, seq_shift=copies * step)
            copies += 1
        big_rows = big.results.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE screening_screeningresult")
        print(f"big run: {big_rows:,} result rows ({copies} copies, made in {time.perf_counter() - start:.0f} s)")

        ids = sorted(set(big.results.values_list("organization_id", flat=True)))
        start = time.perf_counter()
        for k, i in enumerate(range(0, len(ids), args.batch)):
            with transaction.atomic():
                services._keep_totals(big, k, ids[i:i + args.batch])
        keep = time.perf_counter() - start
        print(f"totals kept batch by batch ({-(-len(ids) // args.batch)} batches of {args.batch:,} organisations): "
              f"{keep:.2f} s in all, {RunTotal.objects.filter(run=big).count():,} rows")

        kept, seconds_kept = _timed(services.totals, big)
        counted, seconds_counted = _timed(services.counted_totals, big)
        same = "equal" if kept == counted else "DIFFER"
        print(f"totals at {big_rows:,} rows: kept {seconds_kept * 1000:.0f} ms, counted from the results "
              f"{seconds_counted * 1000:.0f} ms ({same}; {kept.entities:,} entities)")

        client = Client()
        client.force_login(User.objects.get(username="bureau"))
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            resp = client.get(f"/screening/runs/{big.pk}/")
            times.append(time.perf_counter() - start)
            assert resp.status_code == 200, resp.status_code
        print(f"run page (totals and the first page of organisations), bureau: median "
              f"{statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms over {len(times)} requests")

        start, size = time.perf_counter(), 0
        for block in services.export_csv(big):
            size += len(block)
        print(f"CSV export, {big_rows:,} rows: {time.perf_counter() - start:.1f} s, {size / 1e6:.0f} MB")
        if args.big_excel:
            data, seconds = _timed(services.export_excel, big)
            print(f"Excel export (write-only), {min(big_rows, services.EXCEL_DETAIL_ROWS):,} detail rows: "
                  f"{seconds:.1f} s, {len(data) / 1e6:.0f} MB")
    finally:
        if not args.keep:
            ScreeningRun.objects.filter(pk__in=[r.pk for r in runs]).delete()


if __name__ == "__main__":
    main()
