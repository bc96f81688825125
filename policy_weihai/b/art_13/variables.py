"""威政发〔2023〕5号 第13条: hosts and co-hosts of cooperation and innovation events at city level or above."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b13_innovation_event_ceiling", "承办、协办市级以上科技合作交流及创新创业活动补助（不超过100万元）", f"{B} 第13条",
    Rule((
        Path("b.art_13.innovation_event_host", "other", ("innovation_event_host",),
             levels=("city", "provincial", "national")),
    ), caveat="综合考虑绩效评价结果和实际支出情况确定"))
