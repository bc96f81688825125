"""Counts document C 二（三）'s 孵化载体累计培育高新技术企业数量 from the incubation rosters (an existing database whose
indicator catalogue was loaded before this app existed)."""

from django.db import migrations


def wire(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code="c.incubated_hte_cumulative").update(computed="incubated_hte_cumulative", districts=True)


def unwire(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code="c.incubated_hte_cumulative").update(computed="")


class Migration(migrations.Migration):
    dependencies = [("incubation", "0001_initial"), ("indicators", "0002_catalogue")]
    operations = [migrations.RunPython(wire, unwire)]
