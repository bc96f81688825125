"""威政发〔2018〕20号 第15条 (and 威政办字〔2018〕107号 二（四）1): technology transfer demonstration agencies and
technology market awards. B does not restate them: during B they apply under interpretation a_survives_b."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A, D, level_reward


class a15_tech_transfer_agency_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获得国家级、省级技术转移示范机构称号，分别奖励200万元、100万元"
    reference = [f"{A} 第15条", f"{D} 二（四）1"]

    def formula(event, period, parameters):
        return level_reward(event, period, parameters, "tech_transfer_demo_agency", "a.art_15")


VARIABLES: list[type] = [a15_tech_transfer_agency_reward]
VARIABLES += rule_variables(
    "a15_tech_market_award_reward", "获得国家、省技术市场奖励配套奖励（20万元、10万元）", [f"{A} 第15条", f"{D} 二（四）1"],
    Rule((Path("a.art_15.tech_market_national", "award", ("technology_market_award",), levels=("national",)),
          Path("a.art_15.tech_market_provincial", "award", ("technology_market_award",), levels=("provincial",))),
         window="a_silent"))
