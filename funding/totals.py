"""The check of the running sums against the ledger (``manage.py funding check-totals``).

Pages read balances, programme totals and money received from the running sums that ``services._append`` keeps with
each entry (``LineTotals`` per budget line, ``OrgTotals`` per organisation and year); the ledger stays the truth. This
check adds the ledger up in the database, one GROUP BY per kind of sum, and lists every sum that differs, in either
direction (a sum without entries, entries without a sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from funding.models import BudgetLine, LedgerEntry, LineTotals, OrgTotals


@dataclass(frozen=True)
class Difference:
    what: str  # "line" or "org"
    key: tuple[int, ...]  # (budget_line_id,) or (organization_id, year)
    ledger: tuple[Decimal, Decimal]  # (committed, paid) added up from the entries
    running: tuple[Decimal, Decimal]  # (committed, paid) of the running sum


@dataclass(frozen=True)
class Check:
    lines: int
    org_years: int
    differences: list[Difference]


def _diff(totals: str, ledger: str, keys: tuple[str, ...]) -> str:
    on = " AND ".join(f"s.{k} = t.{k}" for k in keys)
    pick = ", ".join(f"COALESCE(t.{k}, s.{k})" for k in keys)
    group = ", ".join(keys)
    return (f"SELECT {pick}, COALESCE(s.c, 0), COALESCE(s.p, 0), COALESCE(t.committed, 0), COALESCE(t.paid, 0) "
            f"FROM {totals} t FULL OUTER JOIN (SELECT {group}, SUM(committed_delta) c, SUM(paid_delta) p "
            f"FROM {ledger} GROUP BY {group}) s ON {on} "
            "WHERE ROUND(COALESCE(s.c, 0), 2) <> ROUND(COALESCE(t.committed, 0), 2) "
            "OR ROUND(COALESCE(s.p, 0), 2) <> ROUND(COALESCE(t.paid, 0), 2)")


def check() -> Check:
    """Every running sum against the ledger (two GROUP BYs over the entries, compared in the database)."""
    q = connection.ops.quote_name
    ledger = q(LedgerEntry._meta.db_table)
    cent = Decimal("0.01")
    out: list[Difference] = []
    with connection.cursor() as cur:
        for what, table, keys in (("line", LineTotals._meta.db_table, ("budget_line_id",)),
                                  ("org", OrgTotals._meta.db_table, ("organization_id", "year"))):
            cur.execute(_diff(q(table), ledger, keys))
            for row in cur.fetchall():
                n = len(keys)
                c, p, rc, rp = (Decimal(str(v)).quantize(cent) for v in row[n:])
                out.append(Difference(what, tuple(int(k) for k in row[:n]), (c, p), (rc, rp)))
    return Check(BudgetLine.objects.count(), OrgTotals.objects.count(), out)
