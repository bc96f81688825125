"""A screening batch's result rows and how they reach the table: COPY text made in the worker process, COPY (or
bulk_create on SQLite) in the writing one; a batch written twice stays single."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from screening.models import ScreeningResult, ScreeningRun


def missing_items(missing: Any) -> list[str]:
    """The engine's "what is missing" as a list (it may give one string or a list of strings)."""
    if not missing:
        return []
    if isinstance(missing, str):
        return [missing]
    return [str(m) for m in missing]


#: The columns of a result row, in the order ``_result_rows`` gives them (and COPY writes them).
RESULT_COLUMNS = ("run_id", "organization_id", "region_id_snapshot", "seq", "provision_id", "title", "document",
                  "article", "form", "is_ceiling", "amount", "status", "explanation", "missing")


def _result_rows(run: ScreeningRun, org_id: int, region_id: int, results: list) -> list[tuple]:
    rows = []
    for seq, r in enumerate(results):  # seq: each event's result kept (a provision may pay per event)
        if r.status not in ("applies", "near"):
            continue
        rows.append((run.pk, org_id, region_id or 0, seq, str(r.provision_id)[:120], str(r.title)[:200],
                     str(r.document or "")[:120], str(r.article or "")[:60], str(r.form or "")[:40],
                     bool(r.is_ceiling), Decimal(r.amount or 0), r.status, str(r.explanation or ""),
                     missing_items(r.missing)))
    return rows


def _write_results(rows: list[tuple] | bytes) -> None:
    """Write a batch's result rows inside the caller's transaction; a batch written twice stays single.

    PostgreSQL: COPY straight into the table; if some of the rows are there already (the batch was written before),
    COPY into a temporary table, then INSERT … ON CONFLICT DO NOTHING (the unique constraint decides, as
    bulk_create's ignore_conflicts does elsewhere). ``rows``: result rows for bulk_create on SQLite, COPY text
    (``_copy_lines``) on PostgreSQL."""
    from django.db import connection

    if not rows:
        return
    if connection.vendor != "postgresql":
        ScreeningResult.objects.bulk_create([ScreeningResult(**dict(zip(RESULT_COLUMNS, row, strict=True)))
                                             for row in rows], batch_size=5000, ignore_conflicts=True)
        return
    from psycopg.errors import UniqueViolation

    data = rows
    table = ScreeningResult._meta.db_table
    cols = ", ".join(RESULT_COLUMNS)
    try:
        with transaction.atomic(), connection.cursor() as cur, cur.cursor.copy(
                f"COPY {table} ({cols}) FROM STDIN") as copy:  # a savepoint: undone alone if a row is there
            copy.write(data)
        return
    except UniqueViolation:
        pass
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS screening_result_in AS SELECT {cols} FROM {table} WITH NO DATA")
        cur.execute("TRUNCATE screening_result_in")
        raw = cur.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f"COPY screening_result_in ({cols}) FROM STDIN") as copy:
            copy.write(data)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM screening_result_in ON CONFLICT DO NOTHING")
        cur.execute("TRUNCATE screening_result_in")


def _copy_escape(value: str) -> str:
    """A value in PostgreSQL's COPY text format (backslash, tab, new line and carriage return escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_lines(run_id: int, evaluated: Iterable[tuple[int, list]], regions: dict[int, int]) -> bytes:
    """A screening batch's results straight to COPY text (the rows ``_result_rows`` would give, in PostgreSQL's COPY
    text format), without making a tuple per result: the columns that repeat for every organisation a provision
    applies to are escaped once per provision. Made where the batch is computed (a worker process), so that the
    process that writes only sends bytes."""
    import json

    out: list[str] = []
    append = out.append
    middles: dict[tuple, str] = {}
    head = f"{int(run_id)}\t"
    kept = ("applies", "near")
    for org_id, results in evaluated:
        if not results:
            continue
        prefix = f"{head}{int(org_id)}\t{int(regions.get(org_id) or 0)}\t"
        for seq, r in enumerate(results):
            status = r.status
            if status not in kept:
                continue
            key = (r.provision_id, r.title, r.document, r.article, r.form, r.is_ceiling)
            middle = middles.get(key)
            if middle is None:
                middle = middles[key] = "\t".join(
                    _copy_escape(str(v or "")[:width]) for v, width in zip(key[:5], (120, 200, 120, 60, 40), strict=True)
                ) + ("\tt" if r.is_ceiling else "\tf")
            missing = r.missing
            if not missing:
                items = "[]"
            elif isinstance(missing, str) and missing.isprintable() and '"' not in missing and "\\" not in missing:
                items = f'["{missing}"]'  # what json.dumps gives for such a string
            else:
                items = _copy_escape(json.dumps(missing_items(missing), ensure_ascii=False))
            amount = r.amount
            text = r.explanation or ""
            if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
                text = _copy_escape(text)
            append(f"{prefix}{seq}\t{middle}\t{amount if amount and amount.__class__ is Decimal else Decimal(amount or 0)}\t{status}\t"
                   f"{text}\t{items}\n")
    return "".join(out).encode("utf-8")
