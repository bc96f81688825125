"""威政发〔2023〕5号 第29条: newly approved national incubators, university science parks and makerspaces, provincial
university science parks, and Shandong brand incubators and makerspaces (they restate 威政发〔2018〕20号 第12条、第16条)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import at_dates, txt, value_or_zero
from policy_weihai.variables.shared import B


class b29_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "新获批国家级孵化器、大学科技园、专业化众创空间（不超过100万）及省级大学科技园（不超过50万）奖励"
    reference = f"{B} 第29条"

    def formula(event, period, parameters):
        kind, subject = txt(event, "event_kind", period), txt(event, "event_subject", period)
        level, dates = txt(event, "event_level", period), event("event_date", period)
        approval = kind == "platform_approval"
        national = approval & (level == "national") & np.isin(
            subject, ("incubator", "university_science_park", "makerspace"))
        provincial_park = approval & (level == "provincial") & (subject == "university_science_park")
        out = np.where(national, value_or_zero(at_dates(parameters, dates, "b.art_29.national_incubator")), 0.0)
        park = value_or_zero(at_dates(parameters, dates, "b.art_29.provincial_university_science_park"))
        return np.where(provincial_park, park, out)


class b29_brand_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "入选山东省品牌科技企业孵化器、品牌众创空间，一次性分别奖励10万元、5万元"
    reference = f"{B} 第29条"

    def formula(event, period, parameters):
        kind, subject, dates = txt(event, "event_kind", period), txt(event, "event_subject", period), event(
            "event_date", period)
        ok = kind == "certification"
        incubator = value_or_zero(at_dates(parameters, dates, "b.art_29.brand_incubator"))
        makerspace = value_or_zero(at_dates(parameters, dates, "b.art_29.brand_makerspace"))
        return np.where(ok & (subject == "brand_incubator"), incubator,
                        np.where(ok & (subject == "brand_makerspace"), makerspace, 0.0))


VARIABLES: list[type] = [b29_incubator_reward, b29_brand_incubator_reward]
