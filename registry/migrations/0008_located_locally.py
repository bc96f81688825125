"""The platform knows no city (issue 11): ``Organization.located_in_weihai`` becomes ``located_locally`` (inside the
jurisdiction), and the tech-contract recognitions' ``seller_located`` values ``in_weihai`` / ``outside_weihai`` become
``local`` / ``outside_jurisdiction``."""

from django.db import migrations, models

#: stored value → new value, and back for the reverse
VALUES = {"in_weihai": "local", "outside_weihai": "outside_jurisdiction"}
BATCH = 2000


def _rewrite(apps, mapping: dict[str, str]) -> None:
    Recognition = apps.get_model("registry", "Recognition")
    for old, new in mapping.items():
        rows = Recognition.objects.filter(attributes__seller_located=old).only("pk", "attributes")
        batch = []
        for rec in rows.iterator(chunk_size=BATCH):
            rec.attributes = {**rec.attributes, "seller_located": new}
            batch.append(rec)
            if len(batch) >= BATCH:
                Recognition.objects.bulk_update(batch, ["attributes"])
                batch = []
        if batch:
            Recognition.objects.bulk_update(batch, ["attributes"])


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, VALUES)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, {new: old for old, new in VALUES.items()})


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_history_append_only")]

    operations = [
        migrations.RenameField("organization", "located_in_weihai", "located_locally"),
        migrations.AlterField(
            model_name="organization", name="located_locally",
            field=models.BooleanField(default=True, help_text="高校院所：是否驻在本市。", verbose_name="驻本市"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
