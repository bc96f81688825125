"""SQLite: refuse INSERT OR REPLACE on every append-only table (issue 25 item 9; see core.appendonly)."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from core.appendonly import sqlite_replace_guards

    for sql in sqlite_replace_guards():
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from core.appendonly import sqlite_replace_guards_drop

    for sql in sqlite_replace_guards_drop():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("registry", "0009_screening_read_indexes"),
        ("funding", "0006_bank_returns"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
