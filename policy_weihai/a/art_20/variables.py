"""威政发〔2018〕20号 第20条: national innovative counties and innovative towns (the beneficiary is the district or
town government: situations of kind ``region``). B does not restate it (a_survives_b)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A

VARIABLES: list[type] = rule_variables(
    "a20_innovative_county_reward", "认定为国家创新型县（市）、创新型乡镇奖励（500万元、100万元）", f"{A} 第20条",
    Rule((Path("a.art_20.national_innovative_county", "certification", ("national_innovative_county",),
               org_kinds=("region",)),
          Path("a.art_20.innovative_town", "certification", ("innovative_town",), org_kinds=("region",))),
         window="a_silent"))
