"""The audit log, the registry's change history and the fund ledger are append-only in the database itself.

PostgreSQL: django-pgtrigger ``Protect`` triggers (declared in the models' Meta) refuse UPDATE and DELETE; TRUNCATE
is refused by privileges (deploy/postgres/roles.sql: the application role is not the tables' owner and has no
TRUNCATE, UPDATE or DELETE on them). SQLite (the demo): the same two triggers, created by core's migration (the
ledger's by funding's) and re-created by ``core.db.sqlite3`` after a flush (Django's flush is the owner wiping the
whole database, as TRUNCATE is on PostgreSQL).

SQLite's ``INSERT OR REPLACE`` deletes the row it conflicts with without firing DELETE triggers (issue 25 item 9), so
every append-only table (every model with a pgtrigger ``Protect``) also gets a BEFORE INSERT trigger that refuses a
row whose id or unique columns already exist. PostgreSQL has no REPLACE (``ON CONFLICT DO UPDATE`` fires UPDATE).
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("core_auditevent", "registry_changerecord")
MESSAGE = "审计日志和变更历史只能追加，不能修改或删除"
REPLACE_MESSAGE = "只能追加的记录不能被覆盖（INSERT OR REPLACE）"


def append_only_models() -> list:
    """Every model whose rows the database keeps forever: those with a pgtrigger Protect trigger."""
    import pgtrigger
    from django.apps import apps

    return [m for m in apps.get_models()
            if any(isinstance(t, pgtrigger.Protect) for t in getattr(m._meta, "triggers", []))]


def unique_columns(model) -> list[tuple[str, ...]]:
    """The primary key and each unique column set (a REPLACE deletes the row that conflicts on any of them)."""
    meta = model._meta
    out = [(meta.pk.column,)]
    out += [(f.column,) for f in meta.concrete_fields if f.unique and not f.primary_key]
    out += [tuple(meta.get_field(n).column for n in group) for group in meta.unique_together]
    out += [tuple(meta.get_field(n).column for n in c.fields) for c in meta.constraints if getattr(c, "fields", None)
            and c.__class__.__name__ == "UniqueConstraint"]
    return list(dict.fromkeys(out))


def _replace_triggers() -> list[tuple[str, str]]:
    out = []
    for model in append_only_models():
        table = model._meta.db_table
        exists = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE " + " AND ".join(f'"{c}" = NEW."{c}"' for c in cols) + ")"
            for cols in unique_columns(model))
        out.append((f"{table}_append_only_replace",
                    f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_replace BEFORE INSERT ON {table} "
                    f"WHEN {exists} BEGIN SELECT RAISE(ABORT, '{REPLACE_MESSAGE}（{table}）'); END"))
    return out


def sqlite_base_create() -> list[str]:
    """The UPDATE and DELETE triggers of the audit log and the change history (core migration 0002)."""
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}（{table}）'); END"
        for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")
    ]


def sqlite_base_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only_{op.lower()}"
            for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")]


def sqlite_replace_guards() -> list[str]:
    """The BEFORE INSERT triggers refusing REPLACE on every append-only table (core migration 0003)."""
    return [sql for _, sql in _replace_triggers()]


def sqlite_replace_guards_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name, _ in _replace_triggers()]


def sqlite_create() -> list[str]:
    """Every append-only trigger core owns (a flush drops and re-creates them)."""
    return sqlite_base_create() + sqlite_replace_guards()


def sqlite_drop() -> list[str]:
    return sqlite_base_drop() + sqlite_replace_guards_drop()
