"""威政发〔2018〕20号 第12条 (and 威政办字〔2018〕107号 二（四）2): university science parks upgraded to provincial or
national. B 第29条 restates it: not applied while B is in force."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import CARRIER_HOSTS, A, D

VARIABLES: list[type] = rule_variables(
    "a12_university_science_park_grant", "升级为省、国家大学科技园资金补助（100万元、300万元）", [f"{A} 第12条", f"{D} 二（四）2"],
    Rule((Path("a.art_12.provincial", "platform_approval", ("university_science_park",), levels=("provincial",),
               org_kinds=CARRIER_HOSTS),
          Path("a.art_12.national", "platform_approval", ("university_science_park",), levels=("national",),
               org_kinds=CARRIER_HOSTS)),
         window="a_replaced"))
