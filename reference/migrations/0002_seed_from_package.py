"""Seed the reference tables from the jurisdiction package's files (values entered later on the page are kept)."""

from django.db import migrations


def seed(apps, schema_editor):
    from reference.seed import seed_from_package

    seed_from_package(apps.get_model("reference", "MonthlyValue"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
