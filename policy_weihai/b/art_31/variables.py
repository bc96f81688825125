"""威政发〔2023〕5号 第31条: pilot (中试) demonstration bases at city level or above, by yearly evaluation (yearly cap)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b31_pilot_base_ceiling", "市级以上备案中试示范基地年度绩效评价补助（不超过50万元）", f"{B} 第31条",
    Rule((
        Path("b.art_31.pilot_base", "platform_evaluation", ("pilot_base",), levels=("city", "provincial", "national")),
    ), cap="b.art_31.pilot_base"))
