"""The platform knows no city (issue 11): ``ContractParty.located_in_weihai`` becomes ``located_locally``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("techmarket", "0002_indicator_catalogue")]

    operations = [
        migrations.RenameField("contractparty", "located_in_weihai", "located_locally"),
        migrations.AlterField(
            model_name="contractparty", name="located_locally",
            field=models.BooleanField(default=True, verbose_name="在本市"),
        ),
    ]
