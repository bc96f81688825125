"""威政发〔2023〕5号 第22条: national and provincial S&T awards (matching) and the top science awards to persons (they
restate 威政发〔2018〕20号 第14条, which is not applied while B is in force)."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B, national_award, provincial_award


class b22_national_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "第一完成单位获国家科学技术奖配套奖励（特等奖300万、一等奖200万、二等奖100万）"
    reference = f"{B} 第22条"

    def formula(event, period, parameters):
        return national_award(event, period, parameters, "b.art_22")


class b22_provincial_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获省科学技术奖特等奖、一等奖、二等奖、青年奖，按省市1:1配套"
    reference = f"{B} 第22条"

    def formula(event, period, parameters):
        grades = ("special", "first", "second", "youth")
        return provincial_award(event, period, parameters, "b.art_22", grades)


VARIABLES: list[type] = [b22_national_award_matching, b22_provincial_award_matching]
# persons (kind "person": the individual receives the reward)
VARIABLES += rule_variables(
    "b22_top_science_award_person", "获得国家、省最高科学技术奖的个人配套奖励（500万元、200万元）", f"{B} 第22条",
    Rule((Path("b.art_22.top_award_national", "award", ("top_science_award",), levels=("national",),
               org_kinds=("person",)),
          Path("b.art_22.top_award_provincial", "award", ("top_science_award",), levels=("provincial",),
               org_kinds=("person",)))))
