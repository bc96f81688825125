"""威政发〔2023〕5号 第7条: units undertaking city 揭榜挂帅 and 技术总师负责制 projects."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b07_open_challenge_project_ceiling", "“揭榜挂帅”“技术总师负责制”市级项目承担单位支持（不超过200万元）", f"{B} 第7条",
    Rule((
        Path("b.art_07.open_challenge_project", "project", ("open_challenge_project", "chief_engineer_project"),
             levels=("city",)),
    )))
