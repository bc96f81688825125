"""Provisions whose beneficiary is not an organisation of the registry — partner banks, districts and zones
(situations of kind ``region``), persons (kind ``person``) — and, for science-and-technology finance, A 第8条's
matching: the partner bank's risk compensation (A 第19条), the bank's 卡脖子攻关贷 risk subsidy (B 第24条) and the
1:1 matching of higher-level support for national torch bases, innovative clusters, industrialisation bases and
创新创业特色载体 (A 第8条). The events come from the scifinance app's records (loans, loss claims) or the registry."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables

A = "威政发〔2018〕20号"
B = "威政发〔2023〕5号"
BANKS = ("service_provider",)

VARIABLES: list[type] = []
VARIABLES += rule_variables(
    "a19_risk_compensation", "合作银行科技成果转化贷款损失市级风险补偿（损失×35%）", f"{A} 第19条",
    Rule((Path("a.art_19.city_share", "financing", ("risk_compensation_loss",), org_kinds=BANKS,
               times_amount=True),), window="a_silent", base_label="贷款损失本金",
         caveat="须为获得省科技成果转化贷款风险补偿备案的合作银行、违约前已备案的贷款；省级另补 35%"))
VARIABLES += rule_variables(
    "b24_chokepoint_loan_risk_ceiling", "合作银行当年新增“卡脖子攻关贷”余额风险资金补助（不超过0.6%）", f"{B} 第24条",
    Rule((Path("b.art_24.chokepoint_loan_risk_rate", "financing", ("chokepoint_loan_new_balance",), org_kinds=BANKS,
               times_amount=True),), base_label="当年新增卡脖子攻关贷余额"))
VARIABLES += rule_variables(
    "a08_industrial_base_matching", "获批国家火炬特色产业基地、国家创新型产业集群、国家高新技术产业化基地、国家创新创业特色载体，"
    "按上级支持资金1:1配套", f"{A} 第8条",
    Rule((Path("a.art_08.matching_ratio", "platform_approval",
               ("national_torch_base", "national_innovative_cluster", "national_industrialisation_base",
                "national_innovation_carrier"), levels=("national",), times_amount=True),),
         window="a_silent", base_label="上级支持资金"))

# ---- districts, zones and towns (kind "region": the government or 管委 receives the reward)
VARIABLES += rule_variables(
    "a20_innovative_county_reward", "认定为国家创新型县（市）、创新型乡镇奖励（500万元、100万元）", f"{A} 第20条",
    Rule((Path("a.art_20.national_innovative_county", "certification", ("national_innovative_county",),
               org_kinds=("region",)),
          Path("a.art_20.innovative_town", "certification", ("innovative_town",), org_kinds=("region",))),
         window="a_silent"))
VARIABLES += rule_variables(
    "a22_hightech_zone_ranking_reward", "国家高新区排名较往年最高位次每前移1个位次奖励200万元", f"{A} 第22条",
    Rule((Path("a.art_22.per_position", "other", ("hightech_zone_ranking_advance",), org_kinds=("region",),
               times_amount=True),), window="a_silent", base_label="较往年最高位次前移的位次数"))

# ---- persons: the top science awards (A 第14条 to 2023-07-12; B 第22条 restates them while in force)
VARIABLES += rule_variables(
    "a14_top_science_award_person", "获得国家、省最高科学技术奖的个人配套奖励（500万元、200万元）", f"{A} 第14条",
    Rule((Path("a.art_14.top_award_national", "award", ("top_science_award",), levels=("national",),
               org_kinds=("person",)),
          Path("a.art_14.top_award_provincial", "award", ("top_science_award",), levels=("provincial",),
               org_kinds=("person",))), window="a_replaced"))
VARIABLES += rule_variables(
    "b22_top_science_award_person", "获得国家、省最高科学技术奖的个人配套奖励（500万元、200万元）", f"{B} 第22条",
    Rule((Path("b.art_22.top_award_national", "award", ("top_science_award",), levels=("national",),
               org_kinds=("person",)),
          Path("b.art_22.top_award_provincial", "award", ("top_science_award",), levels=("provincial",),
               org_kinds=("person",)))))
