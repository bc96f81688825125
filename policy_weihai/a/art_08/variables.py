"""威政发〔2018〕20号 第8条: 1:1 matching of higher-level support for national torch bases, innovative clusters,
industrialisation bases and 创新创业特色载体. B does not restate it (a_survives_b)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A

VARIABLES: list[type] = rule_variables(
    "a08_industrial_base_matching", "获批国家火炬特色产业基地、国家创新型产业集群、国家高新技术产业化基地、国家创新创业特色载体，"
    "按上级支持资金1:1配套", f"{A} 第8条",
    Rule((Path("a.art_08.matching_ratio", "platform_approval",
               ("national_torch_base", "national_innovative_cluster", "national_industrialisation_base",
                "national_innovation_carrier"), levels=("national",), times_amount=True),),
         window="a_silent", base_label="上级支持资金"))
