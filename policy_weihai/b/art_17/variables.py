"""威政发〔2023〕5号 第17条: the growth reward of high-tech enterprises certified in the year (sales CAGR over three
years), and the agencies that cultivate high-tech enterprises."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Organisation
from policy_weihai.variables.common import Path, Rule, at_dates, rule_variables, scattered, value_or_zero
from policy_weihai.variables.shared import B


class hte_sales_cagr(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "近3年销售收入复合增长率（口径见解释 b17_cagr_prior_years）"
    reference = f"{B} 第17条"

    def formula(org, period, parameters):
        prior = bool(parameters(period.start).interpretations.b17_cagr_prior_years)
        start = org("sales_revenue_y3", period)
        end = org("sales_revenue_y1", period) if prior else org("sales_revenue_y0", period)
        years = 2.0 if prior else 3.0
        with np.errstate(divide="ignore", invalid="ignore"):
            cagr = np.where((start > 0) & (end > 0), (end / np.where(start > 0, start, 1.0)) ** (1 / years) - 1, -1.0)
        return cagr


class b17_hte_growth_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "当年通过认定的高新技术企业成长性奖励（近3年销售收入复合增长率≥10%，一次性5万元）"
    reference = f"{B} 第17条"

    def formula(org, period, parameters):
        growth = org("hte_sales_cagr", period)
        rows = np.flatnonzero(org("org_is_enterprise", period) & org("hte_certified", period))
        dates = org("hte_certified_on", period)[rows]
        reward = value_or_zero(at_dates(parameters, dates, "b.art_17.reward"))
        threshold = value_or_zero(at_dates(parameters, dates, "b.art_17.cagr_threshold"))
        ok = (growth[rows] >= threshold - 1e-12) & (reward > 0)
        return scattered(org.count, rows, np.where(ok, reward, 0.0))


VARIABLES: list[type] = [hte_sales_cagr, b17_hte_growth_reward]
VARIABLES += rule_variables(
    "b17_cultivation_agency_ceiling", "高新技术企业认定培育机构绩效评价奖励（不超过50万元）", f"{B} 第17条",
    Rule((
        Path("b.art_17.cultivation_agency", "platform_evaluation", ("hte_cultivation_agency",)),
    )))
