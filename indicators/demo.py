"""Synthetic observations for the demo city, so that every indicator shows a plausible series before real statistics
arrive.

Every value here is invented (source "示范数据（虚构，非统计数据）", channel ``demo``; the pages mark them 示范数据); only
the baselines and targets they move between come from the documents. Indicators the registry counts get no demo
observations unless the demo registry has nothing to count for them. Each series runs from its plan's first year to its last
target year (never past last year) and ends near its target: some just above, some just below, so the dashboard
shows every status.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib

from indicators import services
from indicators.models import Indicator, Observation

DEMO_SOURCE = "示范数据（虚构，非统计数据）"
#: C table indicators: share of the straight way from baseline to target covered per plan year.
PACE = {
    "c.rd_intensity": 0.85, "c.high_value_invention_patents_per_10k": 1.05, "c.rd_staff_per_10k_employed": 0.6,
    "c.high_tech_output_share": 0.95, "c.incubated_hte_cumulative": 1.1, "c.st_service_output": 0.92,
    "c.tech_contract_turnover": 1.2, "c.st_service_revenue": 0.8, "c.spinoff_enterprises": 1.0,
    "c.transferred_results": 0.7, "c.leading_talents": 1.1, "c.major_projects": 0.95,
}
GROWTH = {"c.rd_expenditure_growth": [8.6, 11.2, 9.1, 9.7, 10.4]}
#: Where a series ends relative to its target (cycled by a hash of the code): a mix of met and missed targets.
END_RATIOS = (1.06, 0.93, 1.02, 0.97, 1.12, 0.88, 1.0)


def _ratio(code: str) -> float:
    return END_RATIOS[zlib.crc32(code.encode()) % len(END_RATIOS)]


def _value(ind: Indicator, v: float) -> str:
    if ind.unit_kind == Indicator.UnitKind.COUNT:
        return str(max(round(v), 0))
    if ind.unit_kind == Indicator.UnitKind.PERCENT:
        v = min(v, 99.5)
    return f"{max(v, 0):.2f}"


def _anchors(group: list[Indicator], rng: random.Random) -> dict[int, float]:
    """Known points of a series: the document's baseline, and each target year's (invented) outcome."""
    points: dict[int, float] = {}
    for ind in group:
        if ind.baseline_value is not None and ind.baseline_year is not None:
            points[ind.baseline_year] = float(ind.baseline_value)
    for ind in sorted(group, key=lambda i: i.target_year):
        if ind.target_kind != Indicator.TargetKind.LEVEL or ind.target_year in points:
            continue
        points[ind.target_year] = float(ind.target_value) * _ratio(ind.code)
    start = min(i.start_year for i in group)
    if start not in points and points:
        first = min(points)
        # a plausible starting level: below the first anchor (cumulative counts start near zero)
        points[start] = points[first] * (0.15 if "累计" in group[0].definition else 0.8)
    return points


def _interpolate(points: dict[int, float], year: int) -> float:
    years = sorted(points)
    if year <= years[0]:
        return points[years[0]]
    for a, b in zip(years, years[1:], strict=False):
        if a <= year <= b:
            return points[a] + (points[b] - points[a]) * (year - a) / (b - a)
    last = years[-1]
    before = years[-2] if len(years) > 1 else last
    slope = (points[last] - points[before]) / (last - before) if last != before else 0.0
    return points[last] + slope * (year - last)


def seed(if_empty: bool = True) -> int:
    """Write demo observations for every missing year of every series without registry counts (idempotent).

    With ``if_empty``, nothing is written once statistics other than demo values have been entered.
    """
    if if_empty and Observation.objects.exclude(channel="demo").exists():
        return 0  # real statistics are there: do not mix invented ones in (each missing year is filled otherwise)
    rng = random.Random(2025)
    last = min(dt.date.today().year - 1, 2025)
    n = 0
    for code, pace in PACE.items():
        ind = Indicator.objects.get(code=code)
        base = float(ind.baseline_value) if ind.baseline_value is not None else 0.0
        target = float(ind.target_value)
        have = services.current_observations(ind)
        for year in range(2021, last + 1):
            if year in have:
                continue
            k = year - 2020
            value = base + (target - base) * min(pace * k / 5, 1.3) * rng.uniform(0.97, 1.03)
            services.record_observation(code, year, _value(ind, value), source=DEMO_SOURCE, channel="demo")
            n += 1
    for code, rates in GROWTH.items():
        have = services.current_observations(Indicator.objects.get(code=code))
        for year, rate in zip(range(2021, last + 1), rates, strict=False):
            if year in have:
                continue
            services.record_observation(code, year, rate, source=DEMO_SOURCE, channel="demo")
            n += 1
    groups: dict[str, list[Indicator]] = {}
    for ind in Indicator.objects.select_related("jurisdiction").order_by("order"):
        groups.setdefault(ind.series_code, []).append(ind)
    for code, group in groups.items():
        canonical = next((i for i in group if i.code == code), group[0])
        if code in GROWTH or (any(i.computed for i in group) and services.series(canonical)):
            continue  # the registry counts it
        have = services.current_observations(canonical)
        start, end = services.plan_years(canonical)
        years = [y for y in range(start, min(end, last) + 1) if y not in have]
        if not years:
            continue
        if canonical.unit_kind == Indicator.UnitKind.GROWTH:
            target = float(canonical.target_value)
            for year in years:
                rate = target * _ratio(canonical.code) * rng.uniform(0.9, 1.1)
                services.record_observation(code, year, f"{rate:.2f}", source=DEMO_SOURCE, channel="demo")
                n += 1
            continue
        points = _anchors(group, rng)
        if code in PACE:  # the C table path above covers 2021 on; only the years before the plan remain
            if canonical.baseline_value is None:
                continue
            base_year = canonical.baseline_year or 2020
            points = {base_year: float(canonical.baseline_value), base_year - 2: float(canonical.baseline_value) * 0.94}
        for year in years:
            value = points[year] if year in points else _interpolate(points, year) * rng.uniform(0.99, 1.01)
            services.record_observation(code, year, _value(canonical, value), source=DEMO_SOURCE, channel="demo")
            n += 1
    return n
