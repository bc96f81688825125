"""威政发〔2023〕5号 第14条: the buyer's subsidy on registered technology contracts with universities and institutes in
Weihai (yearly cap per enterprise), and registered technology transfer agencies with an excellent yearly evaluation."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import (
    Path,
    Rule,
    held_any,
    remember_support,
    rule_variables,
    scattered,
    select,
    sum_events,
    yearly_cap,
)
from policy_weihai.variables.shared import B, dated_amounts, keep

#: "经备案的技术开发、技术转让合同": contract types (registry subject codes) that qualify.
B14_CONTRACT_TYPES = ("tech_development", "tech_transfer")
#: Buyer-side events: "buyer", or blank for situations that do not say (the seller and registration rows never pay).
B14_BUYER_ROLES = ("buyer", "")


class b14_contract_subsidy_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "技术合同购买方补助（单笔，未计年度上限）"
    reference = f"{B} 第14条"

    def formula(event, period, parameters):
        # 第14条: 我市科技型企业（买方）与高校院所在威开展的技术转移转化，经备案的技术开发、技术转让合同。
        rows = select(event, period, "tech_contract", B14_CONTRACT_TYPES, roles=B14_BUYER_ROLES)
        for name in ("event_is_enterprise", "event_contract_registered", "event_seller_is_institution",
                     "event_seller_local"):
            rows = keep(event, name, period, rows)
        if len(rows):
            rows = rows[held_any(event, ("is_tech_sme", "is_high_tech_enterprise"), period, rows)]
        rate = dated_amounts(event, period, parameters, rows, "b.art_14.rate")
        out = scattered(event.count, rows, event("event_amount", period)[rows] * rate)
        return remember_support(event, period, "b14_contract_subsidy_event", out, rows)


class b14_contract_subsidy(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "技术合同购买方补助（支付金额×5%，每家每年不超过30万元）"
    reference = f"{B} 第14条"

    def formula(org, period, parameters):
        total = sum_events(org, "b14_contract_subsidy_event", period)
        return np.minimum(total, yearly_cap(parameters, period, "b.art_14.cap"))


VARIABLES: list[type] = [b14_contract_subsidy_event, b14_contract_subsidy]
VARIABLES += rule_variables(
    "b14_tech_transfer_agency_ceiling", "市级备案技术转移服务机构年度绩效优秀补助（每家不超过10万元）", f"{B} 第14条",
    Rule((
        Path("b.art_14.tech_transfer_agency", "platform_evaluation", ("tech_transfer_agency",), levels=("city",),
             grades=("excellent",)),
    ), cap="b.art_14.tech_transfer_agency"))
