"""威政发〔2023〕5号 第5条: agricultural science parks upgraded to national or provincial agricultural high-tech
industry demonstration zones."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.shared import B, fixed_event


class b05_agri_zone_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "农业科技园区升级为国家（500万元）或省（100万元）农业高新技术产业示范区，一次性奖励"
    reference = f"{B} 第5条"

    def formula(event, period, parameters):
        args = (event, period, parameters, "platform_approval", "agricultural_high_tech_zone")
        return (fixed_event(*args, "b.art_05.agri_zone_national", level="national")
                + fixed_event(*args, "b.art_05.agri_zone_provincial", level="provincial"))


VARIABLES: list[type] = [b05_agri_zone_reward]
