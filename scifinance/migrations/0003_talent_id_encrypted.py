"""人才证件号 encrypted at rest (issue 25, core.crypto), with a keyed hash beside it (talent_key) by which the
per-person cap of B 第27条 still finds a talent's loans; existing rows are encrypted and keyed in place."""

import core.crypto
from django.db import migrations


def encrypt(apps, schema_editor):
    core.crypto.encrypt_column(apps, schema_editor, "scifinance.Loan", "talent_id", "talent_key")


def decrypt(apps, schema_editor):
    core.crypto.decrypt_column(apps, schema_editor, "scifinance.Loan", "talent_id")


class Migration(migrations.Migration):

    dependencies = [
        ('scifinance', '0002_amount_and_date_bounds'),
    ]

    operations = [
        migrations.AddField(
            model_name='loan',
            name='talent_key',
            field=core.crypto.LookupKeyField(source='talent_id', verbose_name='人才证件号查询摘要'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='talent_id',
            field=core.crypto.EncryptedCharField(blank=True, help_text='人才贷必填，用于每人额度控制。', max_length=40, verbose_name='人才证件号'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
