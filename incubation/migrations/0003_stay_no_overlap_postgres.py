"""On PostgreSQL, the database itself refuses two stays of one incubatee whose periods overlap (an exclusion
constraint on the half-open range [entered_on, exited_on)). SQLite has no such constraint: there the model's clean
and the one-open-stay unique constraint guard it."""

from django.db import migrations, transaction

CREATE = """ALTER TABLE incubation_stay ADD CONSTRAINT stay_no_overlap
EXCLUDE USING gist (incubatee_id WITH =, daterange(entered_on, exited_on, '[)') WITH &&)"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cur.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except Exception:  # no right to create the extension: the application-level checks still apply
            return
        cur.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cur:
            cur.execute("ALTER TABLE incubation_stay DROP CONSTRAINT IF EXISTS stay_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("incubation", "0002_indicator_wiring")]
    operations = [migrations.RunPython(create, drop)]
