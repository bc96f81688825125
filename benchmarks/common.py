"""What the benchmark scripts share: the percentile they report and the one-time demo city they measure on."""

from __future__ import annotations

import sys
import time


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (p in 0–100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ensure_demo_city(enterprises: int, first_year: int) -> None:
    """Generates the demo city once (seed 7) unless the database already holds that many enterprises; prints figures.

    Needs Django set up. Exits when the database holds another non-zero number of enterprises, so that figures are
    never taken on a city of the wrong size.
    """
    from django.db import connection

    from registry.demo import generate
    from registry.models import Organization

    have = Organization.objects.filter(kind="enterprise").count()
    if have >= enterprises:
        print(f"generator: skipped, {have:,} enterprises already present")
        return
    if have:
        sys.exit(f"database holds {have:,} enterprises; use an empty database or --enterprises {have}")
    start = time.perf_counter()
    summary = generate(enterprises=enterprises, seed=7, chunk_size=20_000, fact_years=(first_year, 2025),
                       progress=lambda d, t: print(f"  generated {d:,}/{t:,} in {time.perf_counter() - start:,.0f} s",
                                                   flush=True))
    print(f"generator: {summary.enterprises:,} enterprises, {summary.annual_facts:,} yearly facts, "
          f"{summary.qualifications:,} qualifications in {summary.seconds:,.1f} s "
          f"= {summary.enterprises / summary.seconds:,.0f} enterprises/s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
