"""The evaluation's data in columns: every enterprise's yearly facts, qualifications and payments as arrays.

One query per table (COPY on PostgreSQL, through ``policy.facts``' reader), pivoted with NumPy into arrays of shape
(organisations, years); no ORM object per organisation. Payments come from ``funding.services.paid_by_provision``
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
SELECT f.organization_id, f.year, f.rd_expense, f.sales_revenue, f.main_business_revenue,
       CASE WHEN f.rd_active THEN 1.0 WHEN f.rd_active IS NULL THEN NULL ELSE 0.0 END,
       f.rd_staff, f.invention_patents_granted, o.region_id
FROM registry_annualfacts f JOIN registry_organization o ON o.id = f.organization_id
WHERE o.kind = 'enterprise' AND f.year >= %(y0)s AND f.year <= %(y1)s
"""
_QUALS_SQL = """
SELECT organization_id, kind, certification, valid_from, valid_to FROM registry_qualification
WHERE kind IN ('high_tech_enterprise', 'tech_sme') AND valid_to >= %(d0)s AND valid_from <= %(d1)s
"""


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


def load_panel(first_year: int, last_year: int) -> Panel:
    """Every enterprise with facts in [first_year, last_year], its facts and its HTE / tech-SME standing by year."""
    years = list(range(first_year, last_year + 1))
    cols = ["organization_id", "year", *FACT_FIELDS, "region_id"]
    facts = _frame(_FACTS_SQL, {"y0": first_year, "y1": last_year}, cols, floats=FACT_FIELDS,
                   ints=("organization_id", "year", "region_id"))
    org = facts["organization_id"].to_numpy(dtype=np.int64)
    ids, row = np.unique(org, return_inverse=True)
    col = facts["year"].to_numpy(dtype=np.int64) - first_year
    region = np.zeros(len(ids), dtype=np.int64)
    region[row] = facts["region_id"].to_numpy(dtype=np.int64)
    values = {}
    for name in FACT_FIELDS:
        a = np.full((len(ids), len(years)), np.nan)
        a[row, col] = facts[name].to_numpy(dtype=float)
        values[name] = a
    panel = Panel(ids=ids, region_ids=region, years=years, values=values)
    _add_qualifications(panel)
    return panel


def _add_qualifications(panel: Panel) -> None:
    """Flags per year: holds HTE / tech-SME on 31 December; HTE certificate issued that year (first or renewal)."""
    y0, y1 = panel.years[0], panel.years[-1]
    q = _frame(_QUALS_SQL, {"d0": f"{y0}-12-31", "d1": f"{y1}-12-31"},
               ["organization_id", "kind", "certification", "valid_from", "valid_to"], ints=("organization_id",))
    shape = (panel.n, len(panel.years))
    hte, sme, certified = np.zeros(shape, bool), np.zeros(shape, bool), np.zeros(shape, bool)
    first_cert = np.zeros(shape, bool)
    if len(q):
        pos = np.searchsorted(panel.ids, q["organization_id"].to_numpy(dtype=np.int64))
        pos = np.clip(pos, 0, max(panel.n - 1, 0))
        known = panel.ids[pos] == q["organization_id"].to_numpy(dtype=np.int64) if panel.n else np.zeros(len(q), bool)
        start = pd.to_datetime(q["valid_from"].astype(str)).to_numpy()
        stop = pd.to_datetime(q["valid_to"].astype(str)).to_numpy()
        kind = q["kind"].to_numpy(dtype=object)
        is_hte, is_sme = kind == "high_tech_enterprise", kind == "tech_sme"
        is_first = q["certification"].to_numpy(dtype=object) == "first"
        issued_year = pd.DatetimeIndex(start).year.to_numpy()
        for j, year in enumerate(panel.years):
            end = np.datetime64(f"{year}-12-31")
            on = known & (start <= end) & (stop >= end)
            hte[pos[on & is_hte], j] = True
            sme[pos[on & is_sme], j] = True
            issued = known & is_hte & (issued_year == year)
            certified[pos[issued], j] = True
            first_cert[pos[issued & is_first], j] = True
    panel.flags.update(hte=hte, sme=sme, hte_certified=certified, hte_first_certified=first_cert)


def add_payments(panel: Panel, provision_id: str) -> float:
    """Fill ``panel.paid`` from the ledger (through funding's services); returns what was paid to organisations
    outside the panel (not enterprises with facts), which the evaluation leaves out."""
    from funding.services import paid_by_provision

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
