"""Issue 25 item 9: on SQLite, INSERT OR REPLACE cannot overwrite a row of any append-only table.

REPLACE deletes the conflicting row without firing DELETE triggers; each append-only table (every model with a
pgtrigger Protect: the audit log, the change history, the fund ledger, …) refuses it with a BEFORE INSERT trigger.
Rows are made generically (one value per column type, foreign keys deferred) inside a savepoint that is rolled back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from core.appendonly import REPLACE_MESSAGE, append_only_models, unique_columns

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")


class _Rollback(Exception):
    pass


def _value(field: models.Field, n: int, salt: int):
    if isinstance(field, models.ForeignKey):
        return 900_000 + 100 * salt + n
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return dt.date(2025, 1, 1)
    if isinstance(field, models.DecimalField):
        return Decimal("1.00")
    if isinstance(field, models.IntegerField | models.FloatField):
        return 2025
    if isinstance(field, models.JSONField):
        return {}
    return f"v{salt}-{n}"[: field.max_length or 10]


def _insert_one(model, salt: int) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = {f.attname: _value(f, i, salt) for i, f in enumerate(fields)}
    obj = model(**values)
    model.objects.bulk_create([obj])
    return model.objects.order_by("-pk").values_list("pk", flat=True)[0]


def test_every_append_only_table_is_covered() -> None:
    tables = {m._meta.db_table for m in append_only_models()}
    assert {"core_auditevent", "registry_changerecord", "funding_ledgerentry"} <= tables


@pytest.mark.django_db
@pytest.mark.parametrize("model", append_only_models(), ids=lambda m: m._meta.db_table)
def test_insert_or_replace_is_refused(model) -> None:
    table = model._meta.db_table
    columns = [f'"{f.column}"' for f in model._meta.concrete_fields]
    others = [f'"{f.column}"' for f in model._meta.concrete_fields if not f.primary_key]
    refused: list[str] = []
    with pytest.raises(_Rollback), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("PRAGMA defer_foreign_keys = ON")
        pk = _insert_one(model, 1)
        before = model.objects.count()
        attacks = [f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {table} "
                   f"WHERE id = %s"]
        if len(unique_columns(model)) > 1:  # a REPLACE with a fresh id that collides on a unique column
            attacks.append(f"INSERT OR REPLACE INTO {table} ({', '.join(others)}) SELECT {', '.join(others)} "
                           f"FROM {table} WHERE id = %s")
        for sql in attacks:
            with pytest.raises(DatabaseError) as err, transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [pk])
            refused.append(str(err.value))
        assert model.objects.filter(pk=pk).exists() and model.objects.count() == before
        # an ordinary append still works
        _insert_one(model, 2)
        assert model.objects.count() == before + 1
        raise _Rollback
    assert refused and all(REPLACE_MESSAGE in m for m in refused), refused


def _guards() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%append_only_replace'")
        return {row[0] for row in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_guards_survive_a_flush() -> None:
    """Transactional tests end with a flush (core.db.sqlite3 drops and re-creates the triggers around it)."""
    from core.audit import record

    record(None, "test.flush", None, "before the flush")
    assert _guards() == {f"{m._meta.db_table}_append_only_replace" for m in append_only_models()}


@pytest.mark.django_db(transaction=True)
def test_the_guards_are_there_after_the_flush() -> None:
    from core.models import AuditEvent

    assert not AuditEvent.objects.filter(action="test.flush").exists()
    assert _guards() == {f"{m._meta.db_table}_append_only_replace" for m in append_only_models()}
