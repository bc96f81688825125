"""Screening benchmark (issue 4): end-to-end screening, what-if and the entity page, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_scr_bench \
        .venv/bin/python benchmarks/screening_bench.py --enterprises 100000 --year 2024

The demo city is generated once (skipped when the database already holds that many enterprises). Then:

* the floor of the same year: COPY of its rows out of the database, openfisca on the ready arrays (ns per
  entity·variable), and after the run COPY of its result rows into a table with the same indexes; beside it the
  pipeline's own steps (facts into columns, explanations);
* end to end: a screening run exactly as the queue's worker does it (read the selection, evaluate, write results and
  progress per batch, in one transaction per batch) — seconds, entities per second, and end-to-end / floor;
* what-if: one parameter changed (``--parameter``, default b.art_09.rate × 1.5), current and changed rules over every
  organisation, aggregates written per batch;
* one situation through ``evaluate_situation``: median and p95;
* ``/screening/mine/`` through the whole Django stack for the demo enterprise account: median and p95 latency.

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

from benchmarks.common import ensure_demo_city, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--first-year", type=int, default=2023, help="first year of yearly facts generated")
    parser.add_argument("--year", type=int, default=2024, help="the year screened")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the run's (KECHUANG_SCREENING_BATCH)")
    parser.add_argument("--requests", type=int, default=50)
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
    from policy import services as engine
    from registry.models import Organization
    from screening import services
    from screening.models import ScreeningResult, ScreeningRun

    args.batch_size = args.batch_size or services.BATCH_SIZE

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
          f"batch {args.batch_size:,}")
    ensure_demo_city(args.enterprises, args.first_year)
    total = Organization.objects.count()
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    batches = [ids[i:i + args.batch_size] for i in range(0, len(ids), args.batch_size)]

    floors = _floors_and_steps(args, batches)

    # End to end, as the worker runs it.
    run = services.start_run(None, year=args.year, enqueue=False)
    start = time.perf_counter()
    run = services.execute_run(run.pk, batch_size=args.batch_size)
    e2e = time.perf_counter() - start
    rows = ScreeningResult.objects.filter(run=run).count()
    print(f"screening end to end: {run.processed:,}/{total:,} organisations ({run.get_status_display()}), "
          f"{rows:,} result rows, {e2e:,.1f} s = {run.processed / e2e:,.0f} entities/s")
    if floors and connection.vendor == "postgresql":
        floors["write"], temporary = _copy_write_floor(run)
        floor = floors["read"] + floors["openfisca"] + floors["write"]
        print(f"floor (same run): COPY read {floors['read']:.2f} s + openfisca on arrays {floors['openfisca']:.2f} s "
              f"+ COPY write {floors['write']:.2f} s = {floor:.2f} s; end to end / floor = {e2e / floor:.2f}")
        light = floors["read"] + floors["openfisca"] + temporary
        print(f"  with the write into a temporary table instead (no write-ahead log) {temporary:.2f} s: floor "
              f"{light:.2f} s; end to end / floor = {e2e / light:.2f}")
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

    situation = {"kind": "enterprise", "region": "371002",
                 "qualifications": [{"kind": "high_tech_enterprise", "valid_from": f"{args.year}-05-01",
                                     "valid_to": f"{args.year + 2}-12-31"}],
                 "recognitions": [{"kind": "platform_approval", "subject": "technology_innovation_center",
                                   "level": "provincial", "occurred_on": f"{args.year}-03-01", "role": "lead"}],
                 "annual_facts": {str(args.year): {"rd_expense": "5000000", "sales_revenue": "80000000"},
                                  str(args.year - 1): {"rd_expense": "3000000", "sales_revenue": "60000000"}}}
    engine.evaluate_situation(situation, str(args.year))  # warm-up
    latencies = []
    for _ in range(max(args.requests, 50)):
        start = time.perf_counter()
        engine.evaluate_situation(situation, str(args.year))
        latencies.append((time.perf_counter() - start) * 1000)
    print(f"evaluate_situation: median {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 95):.1f} ms")

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
            _check_entity_page(response)
        print(f"/screening/mine/: {args.requests} requests, median {statistics.median(latencies):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms (the entity's results kept by the process)")
        latencies = []
        for _ in range(args.requests):
            engine._kept.clear()  # as on the entity's first view: both years simulated
            start = time.perf_counter()
            response = client.get("/screening/mine/")
            latencies.append((time.perf_counter() - start) * 1000)
            _check_entity_page(response)
        print(f"/screening/mine/ first view: {args.requests} requests, median {statistics.median(latencies):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms")
    else:
        print("/screening/mine/: no demo enterprise account")

    if not args.keep:
        for r in runs:
            r.delete()


def _check_entity_page(response: object) -> None:
    """The page timed is the entity's entitlements, not the message the page shows when the engine fails (which
    would time an error)."""
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert "暂时无法计算" not in text and "data-year=" in text, "the entity page shows no entitlements"


def _floors_and_steps(args: argparse.Namespace, batches: list[list[int]]) -> dict[str, float]:
    """The floor of the same year (COPY of its rows, openfisca on ready arrays) and the pipeline's own steps."""
    from django.db import connection

    from policy import facts, services

    out = {}
    year = args.year
    if connection.vendor == "postgresql":
        queries = [
            "SELECT id, kind FROM registry_organization",
            "SELECT organization_id, id, kind, valid_from, valid_to, certification FROM registry_qualification "
            f"WHERE valid_from <= '{year}-12-31' AND valid_to >= '{year}-01-01'",
            "SELECT organization_id, year, rd_expense, sales_revenue, rd_active, invention_patents_granted "
            f"FROM registry_annualfacts WHERE year IN ({year}, {year - 1}, {year - 3})",
            "SELECT organization_id, kind, subject, level, grade, occurred_on, amount, title, attributes, platform_id "
            f"FROM registry_recognition WHERE occurred_on BETWEEN '{year}-01-01' AND '{year}-12-31'",
        ]
        connection.ensure_connection()
        start = time.perf_counter()
        size = 0
        with connection.connection.cursor() as cur:
            for sql in queries:
                with cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
                    size += sum(len(block) for block in copy)
        out["read"] = time.perf_counter() - start
        print(f"floor: COPY read of the year's rows {out['read']:.2f} s ({size / 1e6:,.1f} MB)")
    start = time.perf_counter()
    loaded = [facts.load(b, year)[0] for b in batches]
    load = time.perf_counter() - start
    n = sum(f.n for f in loaded)
    events = sum(len(f.owner) for f in loaded)
    print(f"step: facts in columns (policy.facts.load) {load:.2f} s for {n:,} organisations, {events:,} events")
    tbs = services._system(year, (), tuple(sorted(services._interpretation_settings(None).items())))
    services.compute(loaded[0], year, tbs)  # warm-up (parameters, caches)
    start = time.perf_counter()
    arrays = [services.compute(f, year, tbs) for f in loaded]
    out["openfisca"] = time.perf_counter() - start
    variables = len(arrays[0]) - 1 if arrays else 0
    print(f"floor: openfisca on the arrays {out['openfisca']:.2f} s ({variables} variables; "
          f"{out['openfisca'] * 1e9 / max(1, (n + events) * variables):.0f} ns per entity·variable)")
    start = time.perf_counter()
    kept = 0
    for f, a in zip(loaded, arrays, strict=True):
        kept += sum(len(r) for r in services.explain(f.rows(), a, year, tbs))
    print(f"step: explanations {time.perf_counter() - start:.2f} s ({kept:,} results)")
    return out


def _copy_write_floor(run: object) -> tuple[float, float]:
    """COPY of the run's result rows into an empty table with the same indexes (the write floor), committed as the
    run's batches are (synchronous_commit off): into a plain table, as the results table is, and into a temporary one,
    which skips the write-ahead log that every durable write pays for (the floor printed before 2026-11-28)."""
    from django.db import connection

    connection.ensure_connection()
    seconds = {}
    with connection.connection.cursor() as cur:
        buf = bytearray()
        with cur.copy(f"COPY (SELECT * FROM screening_screeningresult WHERE run_id = {int(run.pk)}) TO STDOUT") as c:
            for block in c:
                buf += block
        cur.execute("SET synchronous_commit = off")
        for kind in ("", "TEMP"):
            cur.execute("DROP TABLE IF EXISTS bench_results")
            cur.execute(f"CREATE {kind} TABLE bench_results (LIKE screening_screeningresult INCLUDING INDEXES)")
            connection.connection.commit()
            start = time.perf_counter()
            with cur.copy("COPY bench_results FROM STDIN") as c:
                c.write(bytes(buf))
            connection.connection.commit()
            seconds[kind] = time.perf_counter() - start
            cur.execute("DROP TABLE bench_results")
            connection.connection.commit()
    return seconds[""], seconds["TEMP"]


if __name__ == "__main__":
    main()
