"""威政发〔2023〕5号 第30条: the city's share of shared-instrument service vouchers (on top of the province's 40%)."""

from __future__ import annotations

from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import B

VARIABLES: list[type] = rule_variables(
    "b30_instrument_voucher_subsidy", "使用入网共享科研设施与仪器购买服务费用市级补助（20%）", f"{B} 第30条",
    Rule((
        Path("b.art_30.instrument_voucher_rate", "other", ("shared_instrument_service",), org_kinds=("enterprise",),
             times_amount=True),
    ), base_label="购买服务费用", caveat="在省级创新券补助 40% 的基础上；需核实为中小微企业"))
