"""威政发〔2023〕5号 第27条: interest subsidies on technology sub-branch loans — only the ceiling is computed (loans up
to the yearly cap × the ceiling rate), the rate itself is not stated."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import (
    held_any,
    in_force,
    remember_support,
    scattered,
    select,
    sum_events,
    yearly_cap,
)
from policy_weihai.variables.shared import B, keep


class b27_tech_bank_loan_amount(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "科技支行贷款余额（符合条件的企业，B 在贷款日有效）"
    reference = f"{B} 第27条"

    def formula(event, period, parameters):
        rows = keep(event, "event_is_enterprise", period, select(event, period, "financing", "tech_bank_loan"))
        if len(rows):
            rows = rows[held_any(event, ("is_tech_sme", "is_high_tech_enterprise", "is_leading_tech_enterprise",
                                         "is_specialised_sme"), period, rows)]
        ok = in_force(parameters, event("event_date", period)[rows], "b.art_27.loan_cap")
        out = scattered(event.count, rows, np.where(ok, event("event_amount", period)[rows], 0.0))
        return remember_support(event, period, "b27_tech_bank_loan_amount", out, rows)


class b27_tech_bank_loan_interest_ceiling(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "科技支行贷款贴息上限（贴息贷款每年不超过3000万元，贴息不超过贷款余额的1%）"
    reference = f"{B} 第27条"

    def formula(org, period, parameters):
        total = sum_events(org, "b27_tech_bank_loan_amount", period)
        loan_cap = yearly_cap(parameters, period, "b.art_27.loan_cap")
        rate = yearly_cap(parameters, period, "b.art_27.interest_cap_rate")
        return np.minimum(total, loan_cap) * rate


VARIABLES: list[type] = [b27_tech_bank_loan_amount, b27_tech_bank_loan_interest_ceiling]
