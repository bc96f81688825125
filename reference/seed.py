"""The reference tables' published values from the jurisdiction package's files (kept values are not touched)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def seed_from_package(model: Any) -> int:
    """Add each month of the package's files that ``model`` (MonthlyValue, or its migration state) lacks."""
    from policy.jurisdiction import current

    added = 0
    for table in current().reference_tables:
        have = set(model.objects.filter(table=table.code).values_list("month", flat=True))
        rows = [model(table=table.code, month=month, value=Decimal(str(v)), source=table.source)
                for m, v in table.csv_values().items()
                if (month := dt.date(int(m[:4]), int(m[5:7]), 1)) not in have]
        model.objects.bulk_create(rows)
        added += len(rows)
    return added
