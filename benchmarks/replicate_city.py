"""Make a benchmark city ``copies`` times larger in SQL: the registry rows a screening reads (organisations, yearly
facts, qualifications, recognitions, platform memberships), copied with shifted ids. For the 10M distributed run
(issue 28): the demo generator makes ~2,000 organisations/s on a shared 2-core machine (1M in 7.7 min, 10M in well
over an hour); copying the 1M city nine times in the database takes a fraction of that. Every copy screens as its
original does, so a run over the copies has the same mix of results as the run over the original.

    createdb -h 127.0.0.1 -U postgres -T kc_dist_1m kc_dist_10m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_dist_10m .venv/bin/python benchmarks/replicate_city.py --copies 10

For a benchmark database only: the secondary indexes are dropped before the copy and only those a screening reads
(listed in KEEP) are built again, foreign-key triggers are skipped (the copied rows point only at copied
organisations and existing regions), and unified social credit codes of the copies are rewritten (``X<copy>…``) so
that they stay unique. Prints figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_DEBUG", "1")

#: Organisation ids of copy k are shifted by k × ORG_SHIFT, other rows' ids by k × ROW_SHIFT.
ORG_SHIFT = 10_000_000
ROW_SHIFT = 100_000_000
TABLES = {  # table: the columns holding an organisation id
    "registry_organization": ("id",),
    "registry_annualfacts": ("organization_id",),
    "registry_qualification": ("organization_id",),
    "registry_recognition": ("organization_id", "platform_id"),
    "registry_platformmembership": ("organization_id", "platform_id"),
}
#: The secondary indexes a screening's reads use (policy.facts.load, the run's selection); the others are not rebuilt.
KEEP = {"registry_qu_organiz_c41f41_idx", "registry_qu_refused_idx", "registry_re_org_date_idx",
        "registry_re_refused_idx", "registry_platformmembership_organization_id_ef16dcf1",
        "registry_organization_region_id_41ae6d2b"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10, help="the city becomes this many times as large")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), max(id) FROM registry_organization")
        count, top = cur.fetchone()
        if top >= ORG_SHIFT:
            sys.exit(f"organisation ids reach {top:,}: the city is already copied (or too large to copy)")
        print(f"source: {count:,} organisations; making {args.copies} copies in all", flush=True)
        cur.execute("SET session_replication_role = replica")  # no foreign-key triggers for the copied rows
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET synchronous_commit = off")
        for table, org_columns in TABLES.items():
            t0 = time.perf_counter()
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                        "(SELECT conname FROM pg_constraint)", [table])
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                        "ORDER BY ordinal_position", [table])
            columns = [c for (c,) in cur.fetchall()]
            for k in range(1, args.copies):
                values = []
                for c in columns:
                    if c in org_columns:
                        values.append(f"{c} + {k * ORG_SHIFT}")
                    elif c == "id":
                        values.append(f"id + {k * ROW_SHIFT}")
                    elif table == "registry_organization" and c == "uscc":
                        values.append(f"CASE WHEN uscc IS NULL THEN NULL ELSE 'X{k}' || substr(uscc, 3) END")
                    else:
                        values.append(c)
                cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "
                            f"WHERE id < {ORG_SHIFT if table == 'registry_organization' else ROW_SHIFT}")
            copied = time.perf_counter() - t0
            kept = [(name, definition) for name, definition in indexes if name in KEEP]
            for _, definition in kept:
                cur.execute(definition)
            print(f"  {table}: copied in {copied:,.0f} s; {len(kept)} of its {len(indexes)} secondary indexes built "
                  f"in {time.perf_counter() - t0 - copied:,.0f} s", flush=True)
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM registry_organization")
        print(f"done: {cur.fetchone()[0]:,} organisations in {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
