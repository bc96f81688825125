"""Indicator monitoring benchmark: the dashboard, one indicator page and the yearly reports over the current database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_scr_bench_1m \
        .venv/bin/python benchmarks/indicators_bench.py --year 2024 --requests 10

Measures on whatever city the database holds (generate one first, e.g. with screening_bench.py): the dashboard and
one indicator page through the whole Django stack for the bureau account (median and p95), and the PDF and Excel
reports (each with the registry-count cache emptied first). Prints figures; asserts none.
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
    from benchmarks.common import percentile
    from indicators import reports
    from registry.models import Organization

    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"{Organization.objects.filter(kind='enterprise').count():,} enterprises")
    user = User.objects.filter(role="bureau").first() or User.objects.filter(is_superuser=True).first()
    if user is None:
        sys.exit("no bureau account: generate the demo city first")
    client = Client()
    client.force_login(user)
    for label, url in (("dashboard", f"/indicators/?year={args.year}"),
                       ("indicator page", f"/indicators/c.high_tech_enterprises/?year={args.year}")):
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
        print(f"{label} {url}: first request (registry counted, cache empty) {first:,.0f} ms; then median "
              f"{statistics.median(times):,.0f} ms, p95 {percentile(times, 95):,.0f} ms ({args.requests} requests)")
    for label, fn in (("PDF report", reports.report_pdf), ("Excel report", reports.report_xlsx)):
        cache.clear()
        t = time.perf_counter()
        size = len(fn(args.year))
        print(f"{label} {args.year}: {time.perf_counter() - t:,.2f} s, {size:,} bytes")


if __name__ == "__main__":
    main()
