"""威政发〔2023〕5号 第9条: the subsidy on the growth of an enterprise's R&D expense (a share of the increment, with a
yearly cap)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Organisation
from policy_weihai.variables.common import at_dates, year_end
from policy_weihai.variables.shared import B


class b09_rd_growth_subsidy(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "研发投入递增补助（增量×5%，每家每年不超过100万元）"
    reference = f"{B} 第9条"

    def formula(org, period, parameters):
        day = year_end(period)  # interpretation b09_reference_date: parameters on 31 December of the year
        rate = at_dates(parameters, day, "b.art_09.rate")[0]
        if np.isnan(rate):
            return np.zeros(org.count)
        growth_min = at_dates(parameters, day, "b.art_09.growth_threshold")[0]
        increment_min = at_dates(parameters, day, "b.art_09.increment_threshold")[0]
        cap = at_dates(parameters, day, "b.art_09.cap")[0]
        now, before = org("rd_expense", period), org("rd_expense_prev", period)
        increment = now - before
        grows = (before > 0) & (increment >= growth_min * before)
        eligible = (org("org_is_enterprise", period) & org("above_designated_size", period) & org("rd_active", period)
                    & (org("is_high_tech_enterprise", period) | org("is_tech_sme", period)))
        return np.where(eligible & grows & (increment > increment_min), np.minimum(increment * rate, cap), 0.0)


VARIABLES: list[type] = [b09_rd_growth_subsidy]
