"""Synthetic observations for the demo city, so that the dashboard shows progress before real statistics arrive.

Every value here is invented (source "示范数据（虚构）"); only the baselines and targets they move between come from
document C's indicator table.
"""

from __future__ import annotations

import datetime as dt
import random

from indicators import services
from indicators.models import Indicator, Observation

DEMO_SOURCE = "示范数据（虚构，非统计数据）"
#: indicator code → pace (share of the straight way from baseline to target covered per plan year).
PACE = {
    "c.rd_intensity": 0.85, "c.high_value_invention_patents_per_10k": 1.05, "c.rd_staff_per_10k_employed": 0.6,
    "c.high_tech_output_share": 0.95, "c.incubated_hte_cumulative": 1.1, "c.st_service_output": 0.92,
    "c.tech_contract_turnover": 1.2, "c.st_service_revenue": 0.8, "c.spinoff_enterprises": 1.0,
    "c.transferred_results": 0.7, "c.leading_talents": 1.1, "c.major_projects": 0.95,
}
GROWTH = {"c.rd_expenditure_growth": [8.6, 11.2, 9.1, 9.7, 10.4]}


def seed(if_empty: bool = True) -> int:
    """Write demo observations for 2021 up to last year; returns how many were written."""
    if if_empty and Observation.objects.exists():
        return 0
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
            services.record_observation(code, year, f"{value:.2f}", source=DEMO_SOURCE, channel="demo")
            n += 1
    for code, rates in GROWTH.items():
        have = services.current_observations(Indicator.objects.get(code=code))
        for year, rate in zip(range(2021, last + 1), rates, strict=False):
            if year in have:
                continue
            services.record_observation(code, year, rate, source=DEMO_SOURCE, channel="demo")
            n += 1
    return n
