"""Indicator monitoring benchmark: the dashboard, one indicator page and the yearly reports over a demo city.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_indbench \
        .venv/bin/python benchmarks/indicators_bench.py --enterprises 100000 --year 2024 --requests 10

Generates the demo city once (benchmarks.common.ensure_demo_city) unless the database holds it. Then, through the whole
Django stack for the bureau account:

1. live: every request counts the registry (INDICATORS_CACHE_SECONDS = 0, what the pages did on a cold cache before
   the counts were kept in a table);
2. cold table: the table of registry counts emptied — a request counts nothing, it shows 统计中 and queues the job;
3. the full recount's own duration (indicators.counts.refresh: the command, and the job after an import);
4. after refresh: the first request and the following ones read the table.

For each: the dashboard's and one indicator page's first request, then median and p95, and the PDF and Excel reports.
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
os.environ.setdefault("KECHUANG_DEBUG", "1")  # development settings, as the figures in README were taken


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000, help="size of the demo city generated when absent")
    ap.add_argument("--first-year", type=int, default=2023, help="first year of yearly facts generated")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--requests", type=int, default=10)
    args = ap.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from benchmarks.common import ensure_demo_city, percentile
    from indicators import counts, reports
    from indicators.models import RegistryCount
    from registry.models import Organization

    ensure_demo_city(args.enterprises, args.first_year)
    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"{Organization.objects.filter(kind='enterprise').count():,} enterprises")
    user = User.objects.filter(role="bureau").first() or User.objects.filter(is_superuser=True).first()
    if user is None:
        sys.exit("no bureau account: generate the demo city first")
    client = Client()
    client.force_login(user)
    urls = (("dashboard", f"/indicators/?year={args.year}"),
            ("indicator page", f"/indicators/c.high_tech_enterprises/?year={args.year}"))
    ttl = int(getattr(settings, "INDICATORS_CACHE_SECONDS", 600)) or 600
    summary: dict[str, dict[str, float]] = {}

    def pages(stage: str) -> None:
        for label, url in urls:
            cache.clear()
            t = time.perf_counter()
            assert client.get(url).status_code == 200
            first = (time.perf_counter() - t) * 1000
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.status_code
            summary.setdefault(stage, {})[f"{label} first (ms)"] = first
            summary[stage][f"{label} median (ms)"] = statistics.median(times)
            print(f"  {label} {url}: first request {first:,.0f} ms; then median {statistics.median(times):,.0f} ms, "
                  f"p95 {percentile(times, 95):,.0f} ms ({args.requests} requests)")

    def report_times(stage: str) -> None:
        for label, fn in (("PDF report", reports.report_pdf), ("Excel report", reports.report_xlsx)):
            cache.clear()
            t = time.perf_counter()
            size = len(fn(args.year))
            seconds = time.perf_counter() - t
            summary.setdefault(stage, {})[f"{label} (ms)"] = seconds * 1000
            print(f"  {label} {args.year}: {seconds:,.2f} s, {size:,} bytes")

    print("1. live (INDICATORS_CACHE_SECONDS=0: each request counts the registry, as before the table):")
    settings.INDICATORS_CACHE_SECONDS = 0
    pages("live")
    report_times("live")

    settings.INDICATORS_CACHE_SECONDS = ttl
    RegistryCount.objects.all().delete()
    print("2. table empty (the request shows 统计中 and queues the job; nothing counted in it):")
    pages("cold table")
    RegistryCount.objects.all().delete()
    report_times("cold table")

    print("3. full recount (indicators.counts.refresh: the command, and the job after an import):")
    RegistryCount.objects.all().delete()
    s = counts.refresh()
    print(f"  from an empty table: {s.figures} figures (indicator function × year × area), "
          f"{RegistryCount.objects.count():,} rows, {s.seconds:,.2f} s")
    s = counts.refresh()
    print(f"  again over a full table: {s.figures} figures, {s.seconds:,.2f} s")
    summary["refresh"] = {"refresh job (ms)": s.seconds * 1000}

    print("4. after refresh (pages and reports read the table):")
    pages("after refresh")
    report_times("after refresh")

    print("\nsummary (ms)      " + "".join(f"{stage:>16}" for stage in ("live", "cold table", "after refresh")))
    for label in [k for k in summary["live"]]:
        print(f"{label:<28}" + "".join(f"{summary[stage].get(label, 0):>16,.0f}"
                                       for stage in ("live", "cold table", "after refresh")))
    print(f"{'refresh job (ms)':<28}{summary['refresh']['refresh job (ms)']:>16,.0f}")


if __name__ == "__main__":
    main()
