"""Seed the reference tables from the jurisdiction package's files (values entered later on the page are kept)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from policy.jurisdiction import current

    MonthlyValue = apps.get_model("reference", "MonthlyValue")
    for table in current().reference_tables:
        have = set(MonthlyValue.objects.filter(table=table.code).values_list("month", flat=True))
        MonthlyValue.objects.bulk_create([
            MonthlyValue(table=table.code, month=dt.date(int(m[:4]), int(m[5:7]), 1), value=Decimal(str(v)),
                         source=table.source)
            for m, v in table.csv_values().items() if dt.date(int(m[:4]), int(m[5:7]), 1) not in have])


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
