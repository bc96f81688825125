"""威政发〔2023〕5号 第19条: service agencies commissioned to match talents, projects and technologies."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b19_talent_service_fee_ceiling", "受委托开展人才、项目、技术双向对接的服务机构服务费用（不超过50万元）", f"{B} 第19条",
    Rule((
        Path("b.art_19.talent_service_fee", "project", ("talent_service_commission",),
             org_kinds=("service_provider", "enterprise", "research_institution")),
    )))
