"""Reloads the indicator catalogue so that 技术合同成交额 (C and E) is counted from registered contracts."""

from django.db import migrations


def load(apps, schema_editor):
    from indicators.catalogue import sync

    sync(apps.get_model("indicators", "Indicator"), apps.get_model("registry", "Region"))


class Migration(migrations.Migration):
    dependencies = [("techmarket", "0001_initial"), ("indicators", "0002_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
