"""威政发〔2018〕20号 第19条: the partner bank's risk compensation for science-and-technology transformation loans
(the beneficiary is a bank; losses come from the scifinance app's loss claims). B does not restate it (a_survives_b)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A

BANKS = ("service_provider",)

VARIABLES: list[type] = rule_variables(
    "a19_risk_compensation", "合作银行科技成果转化贷款损失市级风险补偿（损失×35%）", f"{A} 第19条",
    Rule((Path("a.art_19.city_share", "financing", ("risk_compensation_loss",), org_kinds=BANKS,
               times_amount=True),), window="a_silent", base_label="贷款损失本金",
         caveat="须为获得省科技成果转化贷款风险补偿备案的合作银行、违约前已备案的贷款；省级另补 35%"))
