"""Personal data encrypted at rest (issue 25, core.crypto): payees' bank accounts (claims, challenge bids, the
ledger) and objectors' contacts become Fernet tokens in text columns; existing rows are encrypted in place.

The ledger is append-only: its column changes type on PostgreSQL only (SQLite does not enforce varchar lengths, and
remaking the table would drop its triggers), and its rows are rewritten with the append-only trigger lifted for this
one statement, as the tests' cleanup does. The bounded-text checks bound the token's length instead of the
plaintext's (core.lengths still checks the plaintext before every save)."""

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import core.crypto

FIELDS = [("funding.Claim", "bank_account"), ("funding.ChallengeBid", "bank_account"),
          ("funding.Objection", "contact"), ("funding.LedgerEntry", "bank_account")]


def ledger_column_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE funding_ledgerentry ALTER COLUMN bank_account TYPE text")


def ledger_column_varchar(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE funding_ledgerentry ALTER COLUMN bank_account TYPE varchar(40)")


def _each(apps, schema_editor, change):
    for label, field in FIELDS:
        with core.crypto.append_only_lifted(label, schema_editor):
            change(apps, schema_editor, label, field)


def encrypt(apps, schema_editor):
    _each(apps, schema_editor, core.crypto.encrypt_column)


def decrypt(apps, schema_editor):
    _each(apps, schema_editor, core.crypto.decrypt_column)


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0013_generic_cap_counter'),
        ('registry', '0009_screening_read_indexes'),
        ('screening', '0007_drafts_dropped_claims_are_funding'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='claim',
            name='claim_text_bounded',
        ),
        migrations.RemoveConstraint(
            model_name='objection',
            name='objection_text_bounded',
        ),
        migrations.AlterField(
            model_name='challengebid',
            name='bank_account',
            field=core.crypto.EncryptedCharField(blank=True, max_length=40, verbose_name='收款账号'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='bank_account',
            field=core.crypto.EncryptedCharField(blank=True, max_length=40, validators=[django.core.validators.RegexValidator('^[0-9]{8,32}\\Z', '银行账号：请填写 8–32 位阿拉伯数字 0–9。')], verbose_name='银行账号'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='ledgerentry',
                name='bank_account',
                field=core.crypto.EncryptedCharField(blank=True, max_length=40, verbose_name='收款账号'),
            )],
            database_operations=[migrations.RunPython(ledger_column_text, ledger_column_varchar)],
        ),
        migrations.AlterField(
            model_name='objection',
            name='contact',
            field=core.crypto.EncryptedCharField(blank=True, max_length=60, verbose_name='联系方式'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('project_title'), 200), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('summary'), 5000), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('bank_name'), 100), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('bank_account'), 312), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('title'), 200)), name='claim_text_bounded'),
        ),
        migrations.AddConstraint(
            model_name='objection',
            constraint=models.CheckConstraint(condition=models.Q(django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 2000), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('resolution'), 2000), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('filed_by'), 60), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('contact'), 420)), name='objection_text_bounded'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
