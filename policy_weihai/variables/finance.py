"""Science-and-technology finance provisions whose beneficiary is not the borrowing enterprise, and A 第8条's
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
