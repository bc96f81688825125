"""Big pages stay small (issue 28, item 5): a finished screening run's page and the indicator figures at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_pages_1m \\
        .venv/bin/python benchmarks/big_pages.py --enterprises 1000000 --year 2024 --requests 30

Generates the demo city once (benchmarks.common.ensure_demo_city) unless the database holds it, and screens it once
(a finished screening run of the year over the whole registry is kept and reused). Then, through the whole Django
stack for the bureau account:

1. the run page /screening/runs/<pk>/: first request (with --fresh-run: the first view of a run just written, which
   analyzes the results table once when PostgreSQL's statistics do not know the run yet), median and p95 — its first
   page of organisations and the last (keyset pages cost the same); beside it, what building the list as before cost (every result grouped
   by organisation and sorted by money, and counted for the pager);
2. the indicator figures: a full recount (``manage.py refresh_indicator_counts``), the incremental refresh after a
   change touching one region and one year (one enterprise's yearly facts) and after one touching one region from an
   earlier year (a qualification), the dashboard's requests while such a change waits for the job, and the
   dashboard's request with the table emptied (统计中, the job queued, nothing counted in the request).

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
os.environ.setdefault("KECHUANG_DEBUG", "1")  # development settings, as the README's figures were taken


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=1_000_000, help="size of the demo city generated when absent")
    ap.add_argument("--first-year", type=int, default=2023, help="first year of yearly facts generated")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--skip-run", action="store_true", help="only the indicator figures")
    ap.add_argument("--fresh-run", action="store_true",
                    help="screen again rather than reuse a finished run (its page's first request right after it)")
    ap.add_argument("--skip-indicators", action="store_true", help="only the run page")
    args = ap.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from benchmarks.common import ensure_demo_city, percentile
    from registry.models import Organization

    call_command("migrate", verbosity=0)
    ensure_demo_city(args.enterprises, args.first_year)
    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"{Organization.objects.count():,} organisations")
    client = Client()
    client.force_login(User.objects.filter(role="bureau").first())
    client.get("/")  # the process's first request imports every URL module (seconds): not a page's cost

    def timed(url: str, label: str, expect: str = "") -> None:
        t = time.perf_counter()
        r = client.get(url)
        first = (time.perf_counter() - t) * 1000
        assert r.status_code == 200 and expect in r.content.decode(), (url, r.status_code)
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        print(f"  {label} {url}: first {first:,.0f} ms; median {statistics.median(times):,.0f} ms, "
              f"p95 {percentile(times, 95):,.0f} ms ({args.requests} requests)")

    if not args.skip_run:
        run_page(args, timed)
    if not args.skip_indicators:
        indicator_figures(args, client, percentile)


def run_page(args: argparse.Namespace, timed) -> None:
    from django.core.paginator import Paginator
    from django.db.models import Count, Sum

    from registry.models import Organization
    from screening import services
    from screening.models import ScreeningResult, ScreeningRun

    total = Organization.objects.count()
    run = ScreeningRun.objects.filter(kind=ScreeningRun.Kind.SCREENING, status=ScreeningRun.Status.DONE,
                                      year=args.year, total=total, totals_kept=True).order_by("-pk").first()
    if run is None or args.fresh_run:
        run = services.start_run(None, year=args.year, enqueue=False)
        t = time.perf_counter()
        run = services.execute_run(run.pk)
        print(f"screening run #{run.pk}: {run.processed:,} organisations in {time.perf_counter() - t:,.1f} s (kept)")
    kept = services.totals(run)
    print(f"1. run page of run #{run.pk}: {ScreeningResult.objects.filter(run=run).count():,} result rows, "
          f"{kept.entities:,} organisations qualify")
    url = f"/screening/runs/{run.pk}/"
    timed(url, "first page", "需通知的主体")
    late = (run.results.filter(status=ScreeningResult.Status.APPLIES).order_by("-organization_id")
            .values_list("organization_id", flat=True)[:60][59])
    pages = -(-kept.entities // 50)
    timed(f"{url}?after={late}&page={pages}", "last page", "需通知的主体")
    t = time.perf_counter()
    old = (run.results.filter(status=ScreeningResult.Status.APPLIES)
           .values("organization_id", "organization__name", "organization__region__name")
           .annotate(items=Count("id"), amount=Sum("amount")).order_by("-amount", "organization_id"))
    page = Paginator(old, 50).get_page(1)
    list(page)
    print(f"  the list as it was built before (all results grouped and sorted by money, counted for the pager): "
          f"{(time.perf_counter() - t) * 1000:,.0f} ms for its first page alone")


def indicator_figures(args: argparse.Namespace, client, percentile) -> None:
    from huey.contrib.djhuey import HUEY

    from accounts.models import User
    from indicators import counts, tasks
    from indicators.models import RegistryChange, RegistryCount
    from registry import services as registry_services
    from registry.models import AnnualFacts, Qualification

    HUEY.immediate = False
    queued: list[int] = []
    tasks.refresh_counts = lambda: queued.append(1)  # the worker's job is what is timed below, not queued
    url = f"/indicators/?year={args.year}"

    def requests(label: str, expect: str) -> None:
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and expect in r.content.decode()
        print(f"  dashboard {label}: median {statistics.median(times):,.0f} ms, p95 {percentile(times, 95):,.0f} ms "
              f"({args.requests} requests)")

    print("2. indicator figures")
    RegistryChange.objects.all().delete()
    s = counts.refresh()
    print(f"  full recount (manage.py refresh_indicator_counts): {s.figures} figures, {s.seconds:,.2f} s")
    requests("with the table current", "统计时间")

    bureau = User.objects.filter(role="bureau").first()
    facts = AnnualFacts.objects.filter(year=args.year, organization__kind="enterprise").order_by("id").first()
    was = facts.rd_expense
    registry_services.save_annual_facts(bureau, facts.organization, args.year,
                                        {"rd_expense": (was or 0) + 1_000_000}, channel="form")
    print(f"  change noted: {list(RegistryChange.objects.values_list('computed', 'region', 'from_year'))}")
    requests("while the change waits for the job (the figures last counted)", "统计时间")
    s = counts.refresh_changes()
    print(f"  incremental refresh, one region and one year: {s.figures} figures, {s.seconds:,.2f} s")
    registry_services.save_annual_facts(bureau, facts.organization, args.year, {"rd_expense": was}, channel="form")
    counts.refresh_changes()

    q = Qualification.objects.filter(kind="high_tech_enterprise", valid_from__year=args.year - 2).order_by("id").first()
    q.save()  # its figures from that year on, in its region
    print(f"  change noted: {list(RegistryChange.objects.values_list('computed', 'region', 'from_year'))}")
    s = counts.refresh_changes()
    print(f"  incremental refresh, one region from {args.year - 2} on: {s.figures} figures, {s.seconds:,.2f} s")

    RegistryCount.objects.all().delete()
    t = time.perf_counter()
    r = client.get(url)
    first = (time.perf_counter() - t) * 1000
    assert r.status_code == 200 and "统计中" in r.content.decode()
    print(f"  dashboard with the table emptied: first request {first:,.0f} ms (统计中; job queued {len(queued)}×, "
          f"nothing counted in the request)")
    s = counts.refresh_changes()
    print(f"  the job then: {s.figures} figures, {s.seconds:,.2f} s")


if __name__ == "__main__":
    main()
