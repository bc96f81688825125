"""The audit log and the registry's change history are append-only in the database itself.

PostgreSQL: django-pgtrigger ``Protect`` triggers (declared in the models' Meta) refuse UPDATE and DELETE; TRUNCATE
is refused by privileges (deploy/postgres/roles.sql: the application role is not the tables' owner and has no
TRUNCATE, UPDATE or DELETE on them). SQLite (the demo): the same two triggers, created by core's migration and
re-created by ``core.db.sqlite3`` after a flush (Django's flush is the owner wiping the whole database, as TRUNCATE
is on PostgreSQL).
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("core_auditevent", "registry_changerecord")
MESSAGE = "审计日志和变更历史只能追加，不能修改或删除"


def sqlite_create() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}（{table}）'); END"
        for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")
    ]


def sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only_{op.lower()}"
            for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")]
