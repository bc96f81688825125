"""威政发〔2018〕20号 第7条 (and 威政办字〔2018〕107号 二（四）4): newly and re-certified high-tech enterprises. B does not
restate it: during B it applies under interpretation a_survives_b."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Organisation
from policy_weihai.variables.common import a_applies_where_b_silent, at_dates, scattered, value_or_zero
from policy_weihai.variables.shared import A, D


class a07_hte_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "新认定高新技术企业奖励20万元，重新认定奖励10万元"
    reference = [f"{A} 第7条", f"{D} 二（四）4"]

    def formula(org, period, parameters):
        rows = np.flatnonzero(org("hte_certified", period))  # the organisations certified in the year
        dates = org("hte_certified_on", period)[rows]
        first = value_or_zero(at_dates(parameters, dates, "a.art_07.hte_first"))
        again = value_or_zero(at_dates(parameters, dates, "a.art_07.hte_re"))
        amount = np.where(org("hte_first_certification", period)[rows], first, again)
        return scattered(org.count, rows, np.where(a_applies_where_b_silent(parameters, dates), amount, 0.0))


VARIABLES: list[type] = [a07_hte_reward]
