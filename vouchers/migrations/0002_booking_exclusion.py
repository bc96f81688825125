"""PostgreSQL only: two live bookings of one instrument never overlap (exclusion constraint on a tstzrange).

SQLite has no exclusion constraints; there vouchers.services.book serialises bookings of an instrument and checks
overlap inside the transaction.
"""

from django.db import migrations

NAME = "booking_no_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import RangeOperators
    from django.db.models import Func, Q

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = None

    from django.contrib.postgres.fields import DateTimeRangeField

    TsTzRange.output_field = DateTimeRangeField()
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    Booking = apps.get_model("vouchers", "Booking")
    schema_editor.add_constraint(Booking, ExclusionConstraint(
        name=NAME,
        expressions=[("instrument", RangeOperators.EQUAL),
                     (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS)],
        condition=Q(state__in=("pending", "approved", "done")),
    ))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE vouchers_booking DROP CONSTRAINT IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
