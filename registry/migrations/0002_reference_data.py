from django.db import migrations


def load(apps, schema_editor):
    from registry.reference import load_reference

    load_reference(apps.get_model("registry", "Region"), apps.get_model("registry", "IndustryChain"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
