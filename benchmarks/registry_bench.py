"""Registry benchmark: generator rate, directory search and profile latency, Excel import rate.

Run against PostgreSQL (figures for the issue are taken with 1,000,000 enterprises):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kechuang_bench \
        .venv/bin/python benchmarks/registry_bench.py --enterprises 1000000

The database is generated once (skipped when it already holds that many enterprises); then each measured request
goes through the whole Django stack (test client, logged in as the demo bureau account). Prints figures; asserts none.
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

from benchmarks.common import ensure_demo_city, percentile  # noqa: E402


def timed(client, url: str, params: dict | None = None) -> float:
    start = time.perf_counter()
    response = client.get(url, params or {})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--first-year", type=int, default=2023, help="first year of yearly facts generated")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from registry import excel
    from registry.models import Organization
    from registry.uscc import make_uscc

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    ensure_demo_city(args.enterprises, args.first_year)

    client = Client()
    assert client.login(username="bureau", password="demo12345")
    sample = list(Organization.objects.filter(kind="enterprise").order_by("?")[: args.requests].values_list("pk", "name", "uscc"))
    searches = {
        "name contains": [{"q": name[2:5]} for _, name, _ in sample],
        "credit code": [{"q": uscc} for _, _, uscc in sample],
        "district + chain + high-tech in force": [
            {"region": r, "chain": c, "qualification": "high_tech_enterprise"}
            for r, c in zip(["371002", "371082", "Z-GAOQU", "Z-JINGQU"] * 20, ["carbon_fiber", "medicine_devices", "tyres"] * 30, strict=False)
        ][: args.requests],
    }
    for label, queries in searches.items():
        times = [timed(client, "/registry/", q) for q in queries]
        print(f"directory search ({label}): median {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, n={len(times)}")
    times = [timed(client, f"/registry/{pk}/") for pk, _, _ in sample]
    print(f"profile page: median {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, n={len(times)}")

    n = args.import_rows
    stamp = int(time.time()) % 100000
    orgs = [[make_uscc(f"913710{stamp % 10}BM{i:08d}"),
             f"威海导入基准{stamp}-{i}有限公司", "企业", "高区", "碳纤维及复合材料", "2016-05-01"] for i in range(n)]
    facts = [[o[0], 2025, 3_000_000 + i, 2_900_000, 150_000, "是", 40, 6, 1, None] for i, o in enumerate(orgs)]
    data = excel.build_workbook(orgs, facts)
    start = time.perf_counter()
    result = excel.import_workbook(data, None)
    elapsed = time.perf_counter() - start
    assert result.ok, result.errors[:3]
    print(f"excel import: {result.rows:,} rows ({n:,} organisations + {n:,} yearly facts) in {elapsed:.1f} s = {result.rows / elapsed:,.0f} rows/s")


if __name__ == "__main__":
    main()
