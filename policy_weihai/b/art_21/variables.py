"""威政发〔2023〕5号 第21条: foreign expert studios and branches of the foreign expert station with an excellent
evaluation."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B, fixed_event


class b21_foreign_expert_studio_grant(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "外国专家工作室建设期满考核评估优秀，一次性补助20万元"
    reference = f"{B} 第21条"

    def formula(event, period, parameters):
        return fixed_event(event, period, parameters, "platform_evaluation", "foreign_expert_studio",
                           "b.art_21.foreign_expert_studio", grade="excellent")


VARIABLES: list[type] = [b21_foreign_expert_studio_grant]
VARIABLES += rule_variables(
    "b21_foreign_expert_station_ceiling", "外国专家驿站分站（海外联络站）考核评估优秀补助（不超过20万元）", f"{B} 第21条",
    Rule((
        Path("b.art_21.foreign_expert_station_branch", "platform_evaluation", ("foreign_expert_station_branch",),
             grades=("excellent",)),
    )))
