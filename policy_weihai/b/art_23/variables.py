"""威政发〔2023〕5号 第23条: provincial interest subsidy on transformation loans of technology SMEs (yearly cap per enterprise)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b23_transformation_loan_interest_ceiling", "科技成果转化贷款省级贴息（每家不超过50万元）", f"{B} 第23条",
    Rule((
        Path("b.art_23.transformation_loan_interest", "financing", ("transformation_loan",),
             org_kinds=("enterprise",), quals=("is_tech_sme",), quals_label="国家科技型中小企业"),
    ), cap="b.art_23.transformation_loan_interest", caveat="省级贴息资金，市级负责落实；每家企业累计不超过 50 万元"))
