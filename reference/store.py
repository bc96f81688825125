"""How the rule engine reads reference data that staff keep on a page, without a developer.

Design (the simplest that works on SQLite and PostgreSQL, and without any database):

- The values live in one table, ``MonthlyValue`` (table code, month, value, source, who entered it). A data migration
  seeds it from the jurisdiction package's CSV files, so a new installation starts with the published values.
- The package builds its openfisca system reading ``database_values(code)``; where no database can be read (the
  ``openfisca test`` runner, tests without database access) that answers None and the package reads its CSV.
- ``policy.services`` keeps the built system per process under ``version()``: the rows' count and latest
  ``updated_at``. Saving, adding or deleting a value changes the version, so the next evaluation rebuilds the system
  with the new value and the waiting entitlements compute; nothing needs clearing, in any worker process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def _readable() -> bool:
    from django.apps import apps
    from django.conf import settings

    return settings.configured and apps.ready


def database_values(code: str) -> dict[str, float] | None:
    """``YYYY-MM`` → value of reference table ``code`` as entered, or None where no database can be read."""
    try:
        if not _readable():
            return None
        from django.db import transaction

        from reference.models import MonthlyValue

        with transaction.atomic():  # a savepoint: a failed read leaves the caller's transaction usable
            rows = list(MonthlyValue.objects.filter(table=code).values_list("month", "value"))
    except Exception:  # noqa: BLE001 - no database (or no access to it): the package's files answer
        return None
    return {f"{m:%Y-%m}": float(v) for m, v in rows}


def version() -> tuple[Any, ...] | None:
    """What the engine's values depend on: (rows, latest change); None where no database can be read."""
    try:
        if not _readable():
            return None
        from django.db import transaction
        from django.db.models import Count, Max

        from reference.models import MonthlyValue

        with transaction.atomic():
            found = MonthlyValue.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    except Exception:  # noqa: BLE001
        return None
    return (found["n"], found["last"].isoformat() if found["last"] else "")


def month_words(month: str | dt.date) -> str:
    """2025-06 → "2025 年 6 月"."""
    if isinstance(month, dt.date):
        month = f"{month:%Y-%m}"
    year, mon = month.split("-")[:2]
    return f"{int(year)} 年 {int(mon)} 月"
