"""威政发〔2023〕5号 第29条: newly approved national incubators, university science parks and makerspaces, provincial
university science parks, and Shandong brand incubators and makerspaces (they restate 威政发〔2018〕20号 第12条、第16条)."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import select
from policy_weihai.variables.shared import B, fixed_amounts


class b29_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "新获批国家级孵化器、大学科技园、专业化众创空间（不超过100万）及省级大学科技园（不超过50万）奖励"
    reference = f"{B} 第29条"

    def formula(event, period, parameters):
        national = select(event, period, "platform_approval", ("incubator", "university_science_park", "makerspace"),
                          levels="national")
        provincial_park = select(event, period, "platform_approval", "university_science_park", levels="provincial")
        return fixed_amounts(event, period, parameters, [(provincial_park, "b.art_29.provincial_university_science_park"),
                                                         (national, "b.art_29.national_incubator")])


class b29_brand_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "入选山东省品牌科技企业孵化器、品牌众创空间，一次性分别奖励10万元、5万元"
    reference = f"{B} 第29条"

    def formula(event, period, parameters):
        parts = [(select(event, period, "certification", subject), f"b.art_29.{subject}")
                 for subject in ("brand_incubator", "brand_makerspace")]
        return fixed_amounts(event, period, parameters, parts)


VARIABLES: list[type] = [b29_incubator_reward, b29_brand_incubator_reward]
