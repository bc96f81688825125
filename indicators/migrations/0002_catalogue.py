"""Loads the indicator catalogue (the jurisdiction's, see indicators.catalogue) into the Indicator table."""

from django.db import migrations


def load(apps, schema_editor):
    from indicators.catalogue import sync

    sync(apps.get_model("indicators", "Indicator"), apps.get_model("registry", "Region"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("registry", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
