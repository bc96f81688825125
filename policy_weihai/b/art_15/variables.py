"""威政发〔2023〕5号 第15条: start-ups that land in Weihai through cooperation events (实物工作量 of at least the threshold)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b15_startup_landing_ceiling", "通过科技交流合作活动落地的初创科技企业一次性补助（实物工作量≥100万元，不超过50万元）", f"{B} 第15条",
    Rule((
        Path("b.art_15.startup_landing", "other", ("cooperation_event_startup",), org_kinds=("enterprise",),
             min_amount="b.art_15.startup_landing_min_investment"),
    ), base_label="实物工作量", caveat="需核实直接通过中韩创新大赛、中日科技创新合作大会等活动落地并持续正常经营"))
