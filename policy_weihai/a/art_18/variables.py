"""威政发〔2018〕20号 第18条 (and 威政办字〔2018〕107号 二（四）4): intellectual-property services — patent operation
pilots, patent navigation and IP agencies' patent volume. B does not restate them (a_survives_b)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Organisation
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A, D, annual_count_reward


class a18_ip_agency_volume_ceiling(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "在我市注册、年度代理市内发明专利授权超过100件的服务机构，最高奖励20万元"
    reference = [f"{A} 第18条", f"{D} 二（四）4"]

    def formula(org, period, parameters):
        amount = annual_count_reward(org, period, parameters, "agency_invention_patents",
                                     "a.art_18.agency_patent_threshold", "a.art_18.agency_reward", True)
        return np.where(org("org_is_service_provider", period), amount, 0.0)


VARIABLES: list[type] = [a18_ip_agency_volume_ceiling]
VARIABLES += rule_variables(
    "a18_patent_operation_pilot_ceiling", "认定为国家专利运营试点的服务机构奖励（最高100万元）", [f"{A} 第18条", f"{D} 二（四）4"],
    Rule((Path("a.art_18.patent_operation_pilot", "certification", ("national_patent_operation_pilot",),
               org_kinds=("service_provider",)),), window="a_silent"))
VARIABLES += rule_variables(
    "a18_patent_navigation_subsidy", "企业专利导航、绘制专利地图补助（实际费用50%，最高50万元）", f"{A} 第18条",
    Rule((Path("a.art_18.navigation_rate", "other", ("patent_navigation",), org_kinds=("enterprise",),
               times_amount=True),), window="a_silent", cap="a.art_18.navigation_cap", base_label="实际发生费用"))
