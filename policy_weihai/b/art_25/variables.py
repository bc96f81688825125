"""威政发〔2023〕5号 第25条: intellectual-property finance — interest on IP-pledged loans (a share of the previous
month's 1-year LPR), evaluation fees and pledge insurance premiums, each with a yearly cap."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import (
    at_dates,
    event_days,
    org_at,
    remember_support,
    scattered,
    select,
    sum_events,
    value_or_zero,
    yearly_cap,
)
from policy_weihai.variables.shared import B, dated_amounts, keep


def _previous_month_start(dates: np.ndarray) -> np.ndarray:
    months = dates.astype("datetime64[M]") - np.timedelta64(1, "M")
    return months.astype("datetime64[D]")


def _ip_item(event, period, parameters, name: str, subject: str, rate_path: str, lpr: bool = False) -> np.ndarray:
    """Event variable ``name``: the enterprise's amount (× the previous month's LPR / 100 when ``lpr``) × the rate."""
    # 第25条 “鼓励中小微企业知识产权质押融资”: enterprises that are 中小微 (policy_weihai.variables.sme) only.
    rows = keep(event, "event_is_enterprise", period, select(event, period, "financing", subject))
    if len(rows):
        rows = rows[org_at(event, "is_sme", period, rows)]
    rate = dated_amounts(event, period, parameters, rows, rate_path)
    amount = event("event_amount", period)[rows]
    if lpr:
        amount = amount * (value_or_zero(event("b25_ip_loan_lpr", period)[rows]) / 100)
    return remember_support(event, period, name, scattered(event.count, rows, amount * rate), rows)


def _capped(org, period, parameters, event_variable: str, cap_path: str) -> np.ndarray:
    total = sum_events(org, event_variable, period)
    return np.minimum(total, yearly_cap(parameters, period, cap_path))


class b25_ip_loan_lpr(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "贷款合同签订日上月的1年期LPR（%，缺数据为 NaN）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        days, index = event_days(event, period)  # read once per distinct day
        return at_dates(parameters, _previous_month_start(days), "reference.lpr_1y")[index]


class b25_ip_loan_interest_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "知识产权质押贷款贴息（单笔：贷款额×上月1年期LPR×20%，未计年度上限）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        return _ip_item(event, period, parameters, "b25_ip_loan_interest_event", "ip_pledge_loan",
                        "b.art_25.loan_interest_share", lpr=True)


class b25_ip_evaluation_fee_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "知识产权评估费补贴（单笔：实际发生额×30%）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        return _ip_item(event, period, parameters, "b25_ip_evaluation_fee_event", "ip_evaluation_fee",
                        "b.art_25.evaluation_fee_rate")


class b25_ip_insurance_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "知识产权质押保险保费补贴（单笔：实际发生额×20%）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        return _ip_item(event, period, parameters, "b25_ip_insurance_event", "ip_pledge_insurance",
                        "b.art_25.insurance_rate")


class b25_ip_loan_interest(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "知识产权质押贷款贴息（年贴息额度最高20万元）"
    reference = f"{B} 第25条"

    def formula(org, period, parameters):
        return _capped(org, period, parameters, "b25_ip_loan_interest_event", "b.art_25.loan_interest_cap")


class b25_ip_evaluation_fee(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "知识产权评估费补贴（30%，最高5万元）"
    reference = f"{B} 第25条"

    def formula(org, period, parameters):
        return _capped(org, period, parameters, "b25_ip_evaluation_fee_event", "b.art_25.evaluation_fee_cap")


class b25_ip_insurance(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "知识产权质押保险保费补贴（20%，最高2万元）"
    reference = f"{B} 第25条"

    def formula(org, period, parameters):
        return _capped(org, period, parameters, "b25_ip_insurance_event", "b.art_25.insurance_cap")


VARIABLES: list[type] = [b25_ip_loan_lpr, b25_ip_loan_interest_event, b25_ip_evaluation_fee_event,
                         b25_ip_insurance_event, b25_ip_loan_interest, b25_ip_evaluation_fee, b25_ip_insurance]
