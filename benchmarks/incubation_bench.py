"""Incubation benchmark: demo rosters, a full recompute of the A 第16条 events, the two C 二（三） counts, the carrier
page and an Excel roster import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_incubation_bench \
        .venv/bin/python benchmarks/incubation_bench.py --enterprises 40000 --import-rows 2000

Generates the city once (seed 7) and the rosters once; prints figures, asserts none.
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

from benchmarks.common import ensure_demo_city, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=40_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=2_000)
    args = parser.parse_args()

    import django

    django.setup()
    import datetime as dt
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from accounts.models import User
    from incubation import demo, excel, services
    from incubation.indicators import cultivated_hte
    from incubation.models import Carrier, Incubatee, Stay
    from registry.models import Organization

    ensure_demo_city(args.enterprises, 2023)
    if not Stay.objects.exists():
        start = time.perf_counter()
        r = demo.generate()
        print(f"demo rosters: {r.carriers} carriers, {r.stays:,} stays in {time.perf_counter() - start:.1f} s; "
              f"cultivated HTE 2020 = {r.cultivated_2020}, 2025 = {r.cultivated_2025}")
    print(f"stays: {Stay.objects.count():,}")

    start = time.perf_counter()
    created, deleted = services.sync_upgrade_events()
    print(f"full recompute of A 第16条 events: {time.perf_counter() - start:.2f} s (created {created}, deleted {deleted})")

    start = time.perf_counter()
    figures = [cultivated_hte(y, None, False) for y in range(2020, 2026)]
    print(f"cultivated-HTE indicator, 6 years: {time.perf_counter() - start:.2f} s → {figures}")

    carrier = max(Carrier.objects.all(), key=lambda c: c.stays.count())
    user = User.objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(user)
    times = []
    for _ in range(args.requests):
        t = time.perf_counter()
        assert client.get(f"/incubation/carriers/{carrier.pk}/").status_code == 200
        times.append((time.perf_counter() - t) * 1000)
    print(f"carrier page ({carrier.stays.count()} stays): median {statistics.median(times):.0f} ms, "
          f"p95 {percentile(times, 95):.0f} ms over {args.requests} requests")

    taken = set(Incubatee.objects.exclude(organization=None).values_list("organization_id", flat=True))
    codes = list(Organization.objects.filter(kind="enterprise").exclude(id__in=taken).order_by("id")
                 .values_list("uscc", flat=True)[: args.import_rows])
    wb = load_workbook(io.BytesIO(excel.template()))
    ws = wb[excel.SHEET]
    ws.delete_rows(2, ws.max_row)
    for code in codes:
        ws.append([code, "", "", "2024-03-01", "A101", 50, "创业辅导", "", "", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    start = time.perf_counter()
    result = excel.import_roster(buf.getvalue(), carrier, user)
    seconds = time.perf_counter() - start
    print(f"Excel roster import: {result.created:,} rows in {seconds:.1f} s = {result.created / seconds:,.0f} rows/s "
          f"(errors: {len(result.errors)}) on {dt.date.today()}")


if __name__ == "__main__":
    main()
