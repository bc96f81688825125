"""威政发〔2018〕20号 第10条 (and 威政办字〔2018〕107号 二（四）1、4): international cooperation bases (a_survives_b) and
R&D centres abroad (B 第4条 restates them: not applied while B is in force)."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A, D, level_reward


class a10_international_base_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "认定为国家级、省级国际合作基地，分别奖励100万元、50万元"
    reference = [f"{A} 第10条", f"{D} 二（四）1"]

    def formula(event, period, parameters):
        return level_reward(event, period, parameters, "international_cooperation_base", "a.art_10")


VARIABLES: list[type] = [a10_international_base_reward]
VARIABLES += rule_variables(
    "a10_overseas_rd_center_ceiling", "企业“走出去”建立研发中心等，依托单位择优补助（100万元）", [f"{A} 第10条", f"{D} 二（四）4"],
    Rule((Path("a.art_10.overseas_rd_center", "platform_approval", ("overseas_rd_center",),
               org_kinds=("enterprise", "service_provider")),), window="a_replaced"))
