"""威政发〔2023〕5号 第27条: interest subsidies on technology sub-branch loans — only the ceiling is computed (loans up
to the yearly cap × the ceiling rate), the rate itself is not stated."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import in_force, txt, yearly_cap
from policy_weihai.variables.shared import B


class b27_tech_bank_loan_amount(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "科技支行贷款余额（符合条件的企业，B 在贷款日有效）"
    reference = f"{B} 第27条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        eligible = np.zeros(len(dates), dtype=bool)
        for name in ("is_tech_sme", "is_high_tech_enterprise", "is_leading_tech_enterprise", "is_specialised_sme"):
            eligible |= event.organisation(name, period)
        ok = ((txt(event, "event_kind", period) == "financing") & (txt(event, "event_subject", period) == "tech_bank_loan")
              & event("event_is_enterprise", period) & eligible & in_force(parameters, dates, "b.art_27.loan_cap"))
        return np.where(ok, event("event_amount", period), 0.0)


class b27_tech_bank_loan_interest_ceiling(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "科技支行贷款贴息上限（贴息贷款每年不超过3000万元，贴息不超过贷款余额的1%）"
    reference = f"{B} 第27条"

    def formula(org, period, parameters):
        total = org.sum(org.members("b27_tech_bank_loan_amount", period))
        loan_cap = yearly_cap(parameters, period, "b.art_27.loan_cap")
        rate = yearly_cap(parameters, period, "b.art_27.interest_cap_rate")
        return np.minimum(total, loan_cap) * rate


VARIABLES: list[type] = [b27_tech_bank_loan_amount, b27_tech_bank_loan_interest_ceiling]
