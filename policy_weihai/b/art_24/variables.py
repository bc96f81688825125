"""威政发〔2023〕5号 第24条: 卡脖子 (chokepoint) research — the project grant, the R&D loss insurance premium subsidy
(yearly cap) and the partner bank's risk funds on the year's new 卡脖子攻关贷 balance."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

BANKS = ("service_provider",)

VARIABLES: list[type] = rule_variables(
    "b24_chokepoint_project_ceiling", "“卡脖子”攻关项目财政“拨”款补助（不超过50万元）", f"{B} 第24条",
    Rule((
        Path("b.art_24.chokepoint_project", "project", ("chokepoint_project",), org_kinds=("enterprise",),
             quals=("is_high_tech_enterprise",), quals_label="高新技术企业"),
    )))
VARIABLES += rule_variables(
    "b24_chokepoint_insurance_subsidy", "“卡脖子研发损失险”保费补贴（实际保费50%，上限20万元）", f"{B} 第24条",
    Rule((
        Path("b.art_24.chokepoint_insurance_rate", "financing", ("chokepoint_rd_insurance",),
             org_kinds=("enterprise",), times_amount=True),
    ), cap="b.art_24.chokepoint_insurance_cap", base_label="实际支出保费"))
VARIABLES += rule_variables(
    "b24_chokepoint_loan_risk_ceiling", "合作银行当年新增“卡脖子攻关贷”余额风险资金补助（不超过0.6%）", f"{B} 第24条",
    Rule((Path("b.art_24.chokepoint_loan_risk_rate", "financing", ("chokepoint_loan_new_balance",), org_kinds=BANKS,
               times_amount=True),), base_label="当年新增卡脖子攻关贷余额"))
