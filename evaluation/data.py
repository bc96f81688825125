"""The evaluation's data in columns: every enterprise's yearly facts, qualifications and payments as arrays.

One query per table (COPY on PostgreSQL, through ``policy.facts``' reader), pivoted with NumPy into arrays of shape
(organisations, years); no ORM object per organisation. Payments come from ``funding.money.paid_by_provision``
(funding is the only door to its ledger).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Yearly facts read for every enterprise (AnnualFacts fields); NaN where not reported.
FACT_FIELDS = ("rd_expense", "sales_revenue", "main_business_revenue", "rd_active", "rd_staff",
               "invention_patents_granted")

_FACTS_SQL = """
SELECT f.organization_id, f.year, {columns}, o.region_id
FROM registry_annualfacts f JOIN registry_organization o ON o.id = f.organization_id
WHERE o.kind = 'enterprise' AND f.year >= %(y0)s AND f.year <= %(y1)s
"""
_COLUMN_SQL = {"rd_active": "CASE WHEN f.rd_active THEN 1.0 WHEN f.rd_active IS NULL THEN NULL ELSE 0.0 END"}
# A qualification as integers (dates parsed by the database, not row by row here): HTE or not, first certification
# or not, the year it was issued, and the last year whose 31 December it covers.
_QUALS_SQL = {
    # PostgreSQL: one row per organisation, each flag a bit mask of the years (bit k: first_year + k), OR-ed together
    "postgresql_masks": """
SELECT organization_id,
       bit_or(CASE WHEN hte = 1 THEN span ELSE 0 END), bit_or(CASE WHEN hte = 0 THEN span ELSE 0 END),
       bit_or(CASE WHEN hte = 1 AND issued BETWEEN %(y0)s AND %(y1)s THEN 1 << (issued - %(y0)s) ELSE 0 END),
       bit_or(CASE WHEN hte = 1 AND first = 1 AND issued BETWEEN %(y0)s AND %(y1)s THEN 1 << (issued - %(y0)s)
              ELSE 0 END)
FROM (
  SELECT organization_id, (kind = 'high_tech_enterprise')::int AS hte, (certification = 'first_certification')::int AS first,
         EXTRACT(YEAR FROM valid_from)::int AS issued,
         CASE WHEN hi >= lo THEN ((1 << (hi - %(y0)s + 1)) - 1) - ((1 << (lo - %(y0)s)) - 1) ELSE 0 END AS span
  FROM (
    SELECT organization_id, kind, certification, valid_from,
           GREATEST(EXTRACT(YEAR FROM valid_from)::int, %(y0)s) AS lo,
           LEAST((EXTRACT(YEAR FROM valid_to) - CASE WHEN to_char(valid_to, 'MM-DD') = '12-31' THEN 0 ELSE 1 END)::int,
                 %(y1)s) AS hi
    FROM registry_qualification
    WHERE kind IN ('high_tech_enterprise', 'tech_sme') AND valid_to >= %(d0)s AND valid_from <= %(d1)s
  ) q0
) q GROUP BY organization_id
""",
    "sqlite": """
SELECT organization_id, kind = 'high_tech_enterprise', certification = 'first_certification',
       CAST(strftime('%%Y', valid_from) AS INTEGER),
       CAST(strftime('%%Y', valid_to) AS INTEGER) - CASE WHEN strftime('%%m-%%d', valid_to) = '12-31' THEN 0 ELSE 1 END
FROM registry_qualification
WHERE kind IN ('high_tech_enterprise', 'tech_sme') AND valid_to >= %(d0)s AND valid_from <= %(d1)s
""",
}


@dataclass
class Panel:
    """Enterprises × years. ``ids[i]`` is organisation i; ``col(name, year)`` its figure that year (NaN unknown)."""

    ids: np.ndarray
    region_ids: np.ndarray
    years: list[int]
    values: dict[str, np.ndarray]  # name → (n, len(years)) float64
    flags: dict[str, np.ndarray] = field(default_factory=dict)  # name → (n, len(years)) bool
    paid: np.ndarray | None = None  # (n, len(years)) yuan paid under the provision evaluated, by qualifying year

    @property
    def n(self) -> int:
        return len(self.ids)

    def j(self, year: int) -> int:
        return self.years.index(year)

    def has(self, year: int) -> bool:
        return year in self.years

    def col(self, name: str, year: int) -> np.ndarray:
        if year not in self.years:
            return np.full(self.n, np.nan)
        return self.values[name][:, self.j(year)]

    def flag(self, name: str, year: int) -> np.ndarray:
        if year not in self.years:
            return np.zeros(self.n, dtype=bool)
        return self.flags[name][:, self.j(year)]

    def paid_in(self, year: int) -> np.ndarray:
        if self.paid is None or year not in self.years:
            return np.zeros(self.n)
        return self.paid[:, self.j(year)]


def _frame(sql: str, params: dict[str, Any], columns: list[str], floats: tuple[str, ...] = (),
           ints: tuple[str, ...] = ()) -> pd.DataFrame:
    from policy.facts import _read

    return _read(sql, params, columns, floats=floats, ints=ints)


def load_panel(first_year: int, last_year: int, fields: tuple[str, ...] = FACT_FIELDS) -> Panel:
    """Every enterprise with facts in [first_year, last_year], those of its facts named in ``fields`` (the rest
    read as unknown) and its HTE / tech-SME standing by year."""
    years = list(range(first_year, last_year + 1))
    fields = tuple(f for f in FACT_FIELDS if f in fields)
    cols = ["organization_id", "year", *fields, "region_id"]
    sql = _FACTS_SQL.format(columns=", ".join(_COLUMN_SQL.get(f, f"f.{f}") for f in fields))
    facts = _frame(sql, {"y0": first_year, "y1": last_year}, cols, floats=fields,
                   ints=("organization_id", "year", "region_id"))
    org = facts["organization_id"].to_numpy(dtype=np.int64)
    ids, row = np.unique(org, return_inverse=True)
    col = facts["year"].to_numpy(dtype=np.int64) - first_year
    region = np.zeros(len(ids), dtype=np.int64)
    region[row] = facts["region_id"].to_numpy(dtype=np.int64)
    values = {}
    for name in FACT_FIELDS:
        a = np.full((len(ids), len(years)), np.nan)
        if name in fields:
            a[row, col] = facts[name].to_numpy(dtype=float)
        values[name] = a
    panel = Panel(ids=ids, region_ids=region, years=years, values=values)
    _add_qualifications(panel)
    return panel


def _add_qualifications(panel: Panel) -> None:
    """Flags per year: holds HTE / tech-SME on 31 December; HTE certificate issued that year (first or renewal)."""
    y0, y1 = panel.years[0], panel.years[-1]
    from django.db import connection

    shape = (panel.n, len(panel.years))
    hte, sme, certified = np.zeros(shape, bool), np.zeros(shape, bool), np.zeros(shape, bool)
    first_cert = np.zeros(shape, bool)
    params = {"d0": f"{y0}-12-31", "d1": f"{y1}-12-31", "y0": y0, "y1": y1}
    if connection.vendor == "postgresql" and panel.n:
        cols = ["organization_id", "hte", "sme", "certified", "first"]
        m = _frame(_QUALS_SQL["postgresql_masks"], params, cols, ints=tuple(cols))
        org = m["organization_id"].to_numpy(dtype=np.int64)
        pos = np.clip(np.searchsorted(panel.ids, org), 0, panel.n - 1)
        known = panel.ids[pos] == org
        pos = pos[known]
        for name, target in (("hte", hte), ("sme", sme), ("certified", certified), ("first", first_cert)):
            bits = m[name].to_numpy(dtype=np.int64)[known]
            for j in range(len(panel.years)):
                target[pos, j] = (bits >> j) & 1 == 1
        panel.flags.update(hte=hte, sme=sme, hte_certified=certified, hte_first_certified=first_cert)
        return
    cols = ["organization_id", "hte", "first", "issued", "last"]
    q = _frame(_QUALS_SQL["sqlite"], params, cols, ints=tuple(cols))
    if len(q) and panel.n:
        org = q["organization_id"].to_numpy(dtype=np.int64)
        pos = np.clip(np.searchsorted(panel.ids, org), 0, panel.n - 1)
        known = panel.ids[pos] == org
        is_hte = q["hte"].to_numpy() == 1
        is_first = q["first"].to_numpy() == 1
        issued, last = q["issued"].to_numpy(), q["last"].to_numpy()
        for j, year in enumerate(panel.years):
            on = known & (issued <= year) & (last >= year)
            hte[pos[on & is_hte], j] = True
            sme[pos[on & ~is_hte], j] = True
            new = known & is_hte & (issued == year)
            certified[pos[new], j] = True
            first_cert[pos[new & is_first], j] = True
    panel.flags.update(hte=hte, sme=sme, hte_certified=certified, hte_first_certified=first_cert)


def add_payments(panel: Panel, provision_id: str) -> float:
    """Fill ``panel.paid`` from the ledger (through funding's services); returns what was paid to organisations
    outside the panel (not enterprises with facts), which the evaluation leaves out."""
    from funding.money import paid_by_provision

    paid = np.zeros((panel.n, len(panel.years)))
    outside = 0.0
    rows = paid_by_provision(provision_id, panel.years)
    if rows:
        org = np.array([r[0] for r in rows], dtype=np.int64)
        year = np.array([r[1] for r in rows], dtype=np.int64)
        amount = np.array([float(r[2]) for r in rows])
        pos = np.clip(np.searchsorted(panel.ids, org), 0, max(panel.n - 1, 0))
        known = (panel.ids[pos] == org) if panel.n else np.zeros(len(org), bool)
        np.add.at(paid, (pos[known], year[known] - panel.years[0]), amount[known])
        outside = float(amount[~known].sum())
    panel.paid = paid
    return outside
