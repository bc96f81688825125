"""我的申报 reads an organisation's newest claims a page at a time: an index on (organisation, id descending) serves
the page without sorting all of that organisation's claims."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0015_org_totals_running_sums'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['organization', '-id'], name='claim_org_newest_first'),
        ),
    ]
