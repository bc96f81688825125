"""威政发〔2023〕5号 第16条: enterprises that reach the national round of the China Innovation and Entrepreneurship
Contest with the title of excellent enterprise."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.shared import B, fixed_event


class b16_contest_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "晋级中国创新创业大赛全国赛并获优秀企业称号，一次性奖励10万元"
    reference = f"{B} 第16条"

    def formula(event, period, parameters):
        return fixed_event(event, period, parameters, "award", "china_innovation_contest_excellent",
                           "b.art_16.contest_excellent", enterprise=True)


VARIABLES: list[type] = [b16_contest_reward]
