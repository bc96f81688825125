"""威政发〔2023〕5号 第18条: registered city innovation consortia and their chain-style research projects."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import ENT_RES_PLAT, B, fixed_event


class b18_city_consortium_grant(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "通过备案的市级创新联合体补助10万元"
    reference = f"{B} 第18条"

    def formula(event, period, parameters):
        return fixed_event(event, period, parameters, "platform_approval", "innovation_consortium",
                           "b.art_18.city_consortium", level="city")


VARIABLES: list[type] = [b18_city_consortium_grant]
VARIABLES += rule_variables(
    "b18_consortium_project_ceiling", "创新联合体链条式、体系化科研攻关支持（不超过200万元）", f"{B} 第18条",
    Rule((
        Path("b.art_18.consortium_project", "project", ("consortium_chain_project",), org_kinds=ENT_RES_PLAT),
    )))
