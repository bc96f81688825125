"""A provider's 联系人及电话 encrypted at rest (issue 25, core.crypto); existing rows encrypted in place."""

import core.crypto
from django.db import migrations


def encrypt(apps, schema_editor):
    core.crypto.encrypt_column(apps, schema_editor, "vouchers.Provider", "contact")


def decrypt(apps, schema_editor):
    core.crypto.decrypt_column(apps, schema_editor, "vouchers.Provider", "contact")


class Migration(migrations.Migration):

    dependencies = [
        ('vouchers', '0004_record_rules_and_limits'),
    ]

    operations = [
        migrations.AlterField(
            model_name='provider',
            name='contact',
            field=core.crypto.EncryptedCharField(blank=True, max_length=80, verbose_name='联系人及电话'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
