"""Indicator Excel import at scale (issue 12): time and page size for a 50,000-row file.

    .venv/bin/python benchmarks/import_bench.py --rows 50000

Builds a throw-away test database (migrated, catalogue loaded), writes a workbook with every valid (indicator, year,
region) once and fills the rest of the rows with repeats (which the import must refuse, row by row), uploads it
through the page as the bureau, then uploads only the valid rows. Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_DEBUG", "1")  # development settings, as the figures in README were taken


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from openpyxl import Workbook

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from accounts.models import Role, User
    from indicators import reports, services
    from indicators.models import Indicator, Observation

    valid = []
    for ind in Indicator.objects.filter(same_series_as="").order_by("order"):
        start, end = services.plan_years(ind)
        for year in range(start, min(end, 2025) + 1):
            for region in services.region_choices(ind):
                valid.append([ind.code, year, "" if region == ind.jurisdiction else region.code,
                              "1" if ind.unit_kind != "growth" else "0.5", "基准测试数据", "", ""])

    def book(rows: list[list]) -> bytes:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(reports.SHEET)
        ws.append(reports.COLUMNS)
        for row in rows:
            ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    rows = (valid * (args.rows // max(len(valid), 1) + 1))[: args.rows]
    user = User.objects.create_user("bench", password="x", role=Role.BUREAU, is_superuser=True)
    client = Client()
    client.force_login(user)

    def upload(data: bytes) -> tuple[float, int, int]:
        f = io.BytesIO(data)
        f.name = "obs.xlsx"
        t = time.perf_counter()
        response = client.post("/indicators/import/", {"file": f})
        return time.perf_counter() - t, response.status_code, len(response.content)

    seconds, code, size = upload(book(rows))
    print(f"{len(rows):,} rows ({len(valid):,} valid, the rest repeats): {seconds:.1f} s, HTTP {code}, "
          f"page {size / 1024:.0f} KB, observations written {Observation.objects.count()} (all or nothing)")
    seconds, code, size = upload(book(valid))
    print(f"{len(valid):,} valid rows: {seconds:.1f} s, HTTP {code}, page {size / 1024:.0f} KB, "
          f"observations written {Observation.objects.count():,}")
    connection.creation.destroy_test_db(":memory:", verbosity=0)


if __name__ == "__main__":
    main()
