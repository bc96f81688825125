"""The ledger is append-only on SQLite too: raw triggers (PostgreSQL has pgtrigger's, see models.LedgerEntry)."""

from django.db import migrations

from funding.migrations._sqlite_triggers import CREATE, DROP


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE:
            schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
