"""On PostgreSQL, a trigram index makes the directory's "name contains" search fast on a million rows."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS registry_org_name_trgm ON registry_organization USING gin (name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_org_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_share_pct_messages")]
    operations = [migrations.RunPython(forwards, backwards)]
