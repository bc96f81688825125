"""Django's SQLite backend, except that a flush keeps the append-only triggers (see core.appendonly)."""

from __future__ import annotations

from django.db.backends.sqlite3 import base

from core.appendonly import sqlite_create, sqlite_drop


class DatabaseOperations(base.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not sql:
            return sql
        existing = {row[0] for row in self.connection.cursor().execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
        recreate = [s for s in sqlite_create() if s.split()[5] in existing]
        return sqlite_drop() + sql + recreate


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
