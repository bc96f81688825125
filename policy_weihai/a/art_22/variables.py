"""威政发〔2018〕20号 第22条: the national high-tech zone's ranking advance (the beneficiary is the zone's 管委:
situations of kind ``region``). B does not restate it (a_survives_b)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A

VARIABLES: list[type] = rule_variables(
    "a22_hightech_zone_ranking_reward", "国家高新区排名较往年最高位次每前移1个位次奖励200万元", f"{A} 第22条",
    Rule((Path("a.art_22.per_position", "other", ("hightech_zone_ranking_advance",), org_kinds=("region",),
               times_amount=True),), window="a_silent", base_label="较往年最高位次前移的位次数"))
