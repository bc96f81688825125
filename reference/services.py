"""The reference tables of the current jurisdiction: what is entered, what is missing, and saving a value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction

from core.audit import record
from policy.jurisdiction import ReferenceTable, current
from reference.models import MonthlyValue
from reference.store import month_words


def tables() -> tuple[ReferenceTable, ...]:
    return current().reference_tables


def table(code: str) -> ReferenceTable | None:
    return next((t for t in tables() if t.code == code), None)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month += relativedelta(months=1)
    return out


def needed_through(t: ReferenceTable, today: dt.date) -> dt.date:
    """The last month that must be entered: the last month of the previous quarter, or the month the latest
    registered record needs, whichever is later."""
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last = quarter_start - relativedelta(months=1)
    needed = t.needed_through() if t.needed_through else None
    return max(last, needed) if needed else last


@dataclass
class Filled:
    table: ReferenceTable
    first: dt.date | None  # the first month entered
    through: dt.date | None  # the last month entered with no month missing before it
    missing: list[dt.date]  # months missing up to ``needed_through``

    @property
    def through_text(self) -> str:
        return month_words(self.through) if self.through else "尚未录入"

    @property
    def provision_names(self) -> str:
        """The provisions that read the table, as citations print them (e.g. 威政发〔2023〕5号 第25条 知识产权质押贷款贴息)."""
        by_id = current().by_id
        return "、".join(f"{p.document} {p.article} {p.title}" for p in (by_id.get(i) for i in self.table.provisions) if p)

    @property
    def missing_text(self) -> str:
        return "、".join(month_words(m) for m in self.missing)


def filled(t: ReferenceTable, today: dt.date | None = None) -> Filled:
    """Up to when ``t`` is filled without a gap, and the months missing up to the month needed."""
    today = today or dt.date.today()
    months = set(MonthlyValue.objects.filter(table=t.code).values_list("month", flat=True))
    if not months:
        return Filled(t, None, None, [needed_through(t, today)])
    first = min(months)
    through = first
    while through + relativedelta(months=1) in months:
        through += relativedelta(months=1)
    end = max(needed_through(t, today), max(months))
    return Filled(t, first, through, [m for m in _months(first, end) if m not in months])


def filled_by_provision(today: dt.date | None = None) -> dict[str, list[Filled]]:
    """provision id → the reference tables it reads, each with up to when it is filled."""
    out: dict[str, list[Filled]] = {}
    for t in tables():
        f = filled(t, today)
        for pid in t.provisions:
            out.setdefault(pid, []).append(f)
    return out


@transaction.atomic
def save_value(t: ReferenceTable, month: dt.date, value: Decimal, source: str, user: Any) -> MonthlyValue:
    """Add or correct the value of ``month`` (audited with the old value); the engine uses it at the next evaluation
    (reference.store.version changes)."""
    month = month.replace(day=1)
    row = MonthlyValue.objects.select_for_update().filter(table=t.code, month=month).first()
    old = None if row is None else str(row.value)
    row = row or MonthlyValue(table=t.code, month=month)
    row.value, row.source, row.entered_by = value, source.strip(), user
    row.full_clean()
    row.save()
    record(user, "reference.value_saved", row, f"{t.name} {month_words(month)}：{value}{t.unit}",
           table=t.code, month=f"{month:%Y-%m}", value=str(value), old=old, source=row.source)
    return row
