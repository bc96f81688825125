"""威政发〔2023〕5号 第4条: new R&D institutions with an excellent evaluation and R&D institutions outside the city that serve it."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import ENT_RES_PLAT, B

VARIABLES: list[type] = rule_variables(
    "b04_new_rd_institution_ceiling", "新型研发机构绩效优秀、市外研发机构服务我市绩效突出补助（各不超过50万元）", f"{B} 第4条",
    Rule((
        Path("b.art_04.city_new_rd_institution", "platform_evaluation", ("new_rd_institution",), levels=("city",),
             grades=("excellent",), org_kinds=ENT_RES_PLAT),
        Path("b.art_04.offsite_rd_institution", "platform_evaluation", ("offsite_rd_institution",),
             grades=("excellent",), org_kinds=("enterprise",)),
    )))
