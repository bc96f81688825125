"""The provisions that can be evaluated, each with who qualified in a year and, where the text sets a sharp
threshold, the running variable of a regression discontinuity.

Thresholds are read from the jurisdiction's dated parameters (``policy.services.parameter_history``), so an amended
threshold changes the evaluation too. The eligibility restated here is the provision's own test in columns (the
screening's rule on a whole panel of years at once); a firm just below the threshold is what screening reports as
接近符合 (near miss) with its shortfall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from evaluation.data import Panel

#: Glossary: 规模以上 = main business revenue ≥ 20 million yuan.
ABOVE_SIZE_REVENUE = 2e7


def parameter_on(path: str, day: dt.date) -> float | None:
    """A policy parameter's value in force on ``day`` (None when its document is not in force)."""
    from policy.services import parameter_history

    value = None
    for item in sorted(parameter_history(path), key=lambda v: v["from"]):
        if dt.date.fromisoformat(item["from"]) <= day:
            value = item["value"]
    return None if value is None else float(value)


@dataclass(frozen=True)
class Design:
    """A year's design: who the provision concerns (``population``), who qualified (``eligible``) and, for a sharp
    threshold, each firm's distance from it (``running``: ≥ 0 qualifies; NaN outside the population)."""

    population: np.ndarray
    eligible: np.ndarray
    running: np.ndarray | None
    amount: np.ndarray  # what the provision pays each eligible firm (yuan), 0 elsewhere


@dataclass(frozen=True)
class Spec:
    provision_id: str
    title: str
    citation: str
    threshold: str  # the threshold in plain Chinese
    running_label: str  # the running variable in plain Chinese ("" without one)
    lags: int  # years of facts before the qualifying year that the rule reads
    design: Callable[[Panel, int], Design | None]
    fields: tuple[str, ...] = ()  # yearly facts the rule reads

    @property
    def has_threshold(self) -> bool:
        return bool(self.running_label)


def _b09(panel: Panel, year: int) -> Design | None:
    end = dt.date(year, 12, 31)
    growth_min = parameter_on("b.art_09.growth_threshold", end)
    if growth_min is None:
        return None
    increment_min = parameter_on("b.art_09.increment_threshold", end) or 0.0
    rate, cap = parameter_on("b.art_09.rate", end) or 0.0, parameter_on("b.art_09.cap", end) or 0.0
    now, before = panel.col("rd_expense", year), panel.col("rd_expense", year - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        population = ((panel.flag("hte", year) | panel.flag("sme", year))
                      & (panel.col("main_business_revenue", year) >= ABOVE_SIZE_REVENUE)
                      & (panel.col("rd_active", year) == 1) & (before > 0) & ~np.isnan(now))
        growth = now / before - 1.0
        # Two thresholds in one: growth ≥ 10 % and an increment above 100 万元, i.e. growth above 100 万元 / last
        # year's expense. The binding one is each firm's own cut-off (a normalised running variable).
        needed = np.maximum(growth_min, increment_min / before)
        running = np.where(population, growth - needed, np.nan)
    eligible = population & (running >= 0) & (now - before > increment_min)
    amount = np.where(eligible, np.minimum((now - before) * rate, cap), 0.0)
    return Design(population, eligible, running, amount)


def _b17(panel: Panel, year: int) -> Design | None:
    end = dt.date(year, 12, 31)
    cagr_min = parameter_on("b.art_17.cagr_threshold", end)
    if cagr_min is None:
        return None
    reward = parameter_on("b.art_17.reward", end) or 0.0
    now, first = panel.col("sales_revenue", year), panel.col("sales_revenue", year - 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        population = panel.flag("hte_certified", year) & (first > 0) & (now > 0)
        cagr = (now / first) ** (1 / 3) - 1.0
        running = np.where(population, cagr - cagr_min, np.nan)
    eligible = population & (running >= 0)
    return Design(population, eligible, running, np.where(eligible, reward, 0.0))


def _a07(panel: Panel, year: int) -> Design | None:
    end = dt.date(year, 12, 31)
    first_reward = parameter_on("a.art_07.hte_first", end)
    if first_reward is None:
        return None
    re_reward = parameter_on("a.art_07.hte_re", end) or 0.0
    eligible = panel.flag("hte_certified", year).copy()
    amount = np.where(panel.flag("hte_first_certified", year), first_reward, re_reward)
    return Design(eligible, eligible, None, np.where(eligible, amount, 0.0))


SPECS: dict[str, Spec] = {s.provision_id: s for s in (
    Spec("B.09.rd_growth_subsidy", "研发投入递增补助", "威政发〔2023〕5号 第9条",
         "研发投入较上年增长不低于 10% 且增量超过 100 万元", "研发投入增长率与达标所需增长率之差", 1, _b09,
         ("rd_expense", "main_business_revenue", "rd_active")),
    Spec("B.17.hte_growth_reward", "当年通过认定高企成长性奖励", "威政发〔2023〕5号 第17条",
         "当年通过高新技术企业认定且近 3 年销售收入复合增长率不低于 10%", "近 3 年销售收入复合增长率与 10% 之差", 3, _b17,
         ("sales_revenue",)),
    Spec("A.07.hte_reward", "新认定/重新认定高新技术企业奖励", "威政发〔2018〕20号 第7条",
         "当年通过高新技术企业认定（认定本身是门槛，没有可比较的连续变量）", "", 0, _a07),
)}


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    unit: str
    money: bool  # money: effects in percent (log points) and in 万元; counts: in their unit


OUTCOMES: dict[str, Outcome] = {o.key: o for o in (
    Outcome("rd_expense", "研发投入", "万元", True),
    Outcome("sales_revenue", "销售收入", "万元", True),
    Outcome("invention_patents_granted", "发明专利授权", "件", False),
    Outcome("rd_staff", "研发人员", "人", False),
)}
