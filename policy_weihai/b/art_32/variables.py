"""威政发〔2023〕5号 第32条: units with good results in science popularisation."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b32_science_popularization_ceiling", "科普成效好的单位补助（不超过10万元）", f"{B} 第32条",
    Rule((
        Path("b.art_32.science_popularization", "other", ("science_popularization",)),
    )))
