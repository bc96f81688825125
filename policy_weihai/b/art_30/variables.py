"""威政发〔2023〕5号 第30条: the city's share of shared-instrument service vouchers (on top of the province's 40%)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B
from policy_weihai.variables.sme import REFERENCE

#: 第30条 “对中小微企业……”: the size by the national standard (policy_weihai.variables.sme).
SME_LABEL = (f"中小微企业（按{REFERENCE}划型：请在年度数据中填写从业人员、营业收入、资产总额并选择所属行业，"
             "或在年度数据中申报企业规模）")

VARIABLES: list[type] = rule_variables(
    "b30_instrument_voucher_subsidy", "使用入网共享科研设施与仪器购买服务费用市级补助（20%）", f"{B} 第30条",
    Rule((
        Path("b.art_30.instrument_voucher_rate", "other", ("shared_instrument_service",), org_kinds=("enterprise",),
             quals=("is_sme",), quals_label=SME_LABEL, times_amount=True),
    ), base_label="购买服务费用", caveat="在省级创新券补助 40% 的基础上"))
