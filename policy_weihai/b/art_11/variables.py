"""威政发〔2023〕5号 第11条: R&D institutions built jointly by enterprises with universities and institutes in Weihai."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import ENT_RES_PLAT, B

VARIABLES: list[type] = rule_variables(
    "b11_joint_rd_institution_ceiling", "企业在驻威高校院所联合建设研发机构绩效评价补助（不超过50万元）", f"{B} 第11条",
    Rule((
        Path("b.art_11.joint_rd_institution", "platform_evaluation", ("joint_rd_institution",), org_kinds=ENT_RES_PLAT),
    )))
