"""Screening benchmark (issue 4): end-to-end screening, what-if and the entity page, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_scr_bench \
        .venv/bin/python benchmarks/screening_bench.py --enterprises 100000 --year 2024

The demo city is generated once (skipped when the database already holds that many enterprises). Then:

* compute only: the policy engine's ``evaluate_many`` over every organisation, in the run's batches, nothing written;
* end to end: a screening run exactly as the queue's worker does it (read the selection, evaluate, write results and
  progress per batch, in one transaction per batch) — seconds, entities per second, and end-to-end / compute-only;
* what-if: one parameter changed (``--parameter``, default b.art_09.rate × 1.5), current and changed rules over every
  organisation, aggregates written per batch;
* ``/screening/mine/`` through the whole Django stack for the demo enterprise account: median and p95 latency.

``--engine stand-in`` measures the pipeline with this app's test stand-in engine instead of policy.services (the
figures then say nothing about the real rules' cost). Prints figures; asserts none.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--first-year", type=int, default=2023, help="first year of yearly facts generated")
    parser.add_argument("--year", type=int, default=2024, help="the year screened")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--engine", choices=["real", "stand-in"], default="real")
    parser.add_argument("--skip-whatif", action="store_true")
    parser.add_argument("--parameter", default="b.art_09.rate", help="what-if parameter (default: B art. 9 rate)")
    parser.add_argument("--value", help="its new value (default: 1.5 × the value now, within its bounds)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark runs and their results")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from registry.models import Organization
    from screening import engine, services
    from screening.models import ScreeningResult, ScreeningRun

    if args.engine == "stand-in":
        from screening.tests import stand_in_engine

        engine.use_backend(stand_in_engine)
    else:
        engine.backend()  # fails with a clear message when policy.services is not there

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; engine: {args.engine}")
    ensure_demo_city(args.enterprises, args.first_year)
    total = Organization.objects.count()

    # Compute only: the engine over every organisation, nothing written.
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    start = time.perf_counter()
    evaluated = 0
    for i in range(0, len(ids), args.batch_size):
        for _ in engine.evaluate_many(ids[i:i + args.batch_size], args.year):
            evaluated += 1
    compute = time.perf_counter() - start
    print(f"compute only: {evaluated:,} organisations in {compute:,.1f} s = {evaluated / compute:,.0f} /s")

    # End to end, as the worker runs it.
    run = services.start_run(None, year=args.year, enqueue=False)
    start = time.perf_counter()
    run = services.execute_run(run.pk, batch_size=args.batch_size)
    e2e = time.perf_counter() - start
    rows = ScreeningResult.objects.filter(run=run).count()
    print(f"screening end to end: {run.processed:,}/{total:,} organisations ({run.get_status_display()}), "
          f"{rows:,} result rows, {e2e:,.1f} s = {run.processed / e2e:,.0f} entities/s; "
          f"end-to-end / compute-only = {e2e / compute:.2f}")
    start = time.perf_counter()
    t = services.totals(run)
    print(f"totals page query: {time.perf_counter() - start:.2f} s ({t.entities:,} entities, "
          f"entitlement {t.entitlement:,.0f} yuan, ceiling {t.ceiling:,.0f} yuan)")
    runs = [run]

    if not args.skip_whatif:
        params = engine.tunable_parameters()
        if params:
            p = next((q for q in params if q["path"] == args.parameter), params[0])
            new = float(args.value) if args.value else float(p["value_now"]) * 1.5
            if p.get("max") is not None:
                new = min(new, float(p["max"]))
            whatif = services.start_run(None, kind=ScreeningRun.Kind.WHATIF, year=args.year, enqueue=False,
                                        overrides={p["path"]: f"{new:.4f}"})
            start = time.perf_counter()
            whatif = services.execute_run(whatif.pk, batch_size=args.batch_size)
            seconds = time.perf_counter() - start
            cmp = services.whatif_comparison(whatif)
            print(f"what-if ({p['path']} {p['value_now']} → {new:g}): {whatif.processed:,} organisations, "
                  f"{seconds:,.1f} s; cost change {cmp.delta_amount:,.0f} yuan, beneficiaries {cmp.delta_beneficiaries:+,}")
            runs.append(whatif)
        else:
            print("what-if: the engine offers no tunable parameter")

    user = User.objects.filter(username="enterprise").first()
    if user is not None and user.organization_id:
        client = Client()
        client.force_login(user)
        client.get("/screening/mine/")  # warm-up
        latencies = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get("/screening/mine/")
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"/screening/mine/: {args.requests} requests, median {statistics.median(latencies):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms")
    else:
        print("/screening/mine/: no demo enterprise account")

    if not args.keep:
        for r in runs:
            r.delete()


if __name__ == "__main__":
    main()
