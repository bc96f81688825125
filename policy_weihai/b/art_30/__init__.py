"""威政发〔2023〕5号 第30条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.30.instrument_voucher_subsidy", "使用共享科研仪器购买服务费用市级补助", B.number, "第30条", "proportional", False,
              "b30_instrument_voucher_subsidy", "中小微企业使用入网共享的科研设施与仪器发生购买服务费用（other，subject=shared_instrument_service，"
              "amount=购买服务费用），在省级创新券 40% 基础上市级再补 20%", ("enterprise",),
              ("b.art_30.instrument_voucher_rate",), window=B.window),
]
