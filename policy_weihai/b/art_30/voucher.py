"""威政发〔2023〕5号 第30条 as a voucher sharing rule (read by ``vouchers.subsidy`` through the jurisdiction).

"对中小微企业和入驻省级以上孵化载体的创业（创客）团队在创新研发活动中，使用入网共享的科研设施与仪器发生的购买服务
费用，在省级创新券补助40%的基础上，市级再给予20%的资金补助。" The city's 20% is the engine's parameter beside this
article (``b.art_30.instrument_voucher_rate``, dated: closed when B ends); the province's 40% is the provincial voucher
the sentence builds on, not a city amount, so it is stated here with its citation. The text sets no cap.
"""

from decimal import Decimal

from policy.jurisdiction import VoucherRule
from policy_weihai.documents import B

VOUCHER_RULE = VoucherRule(
    tag="B30", citation=f"{B.number} 第30条", city_rate_parameter="b.art_30.instrument_voucher_rate",
    upper_rate=Decimal("0.40"), upper_label="省级创新券", service_label="使用入网共享科研仪器的服务费",
    categories=("instrument",), networked_only=True, small_or_team_only=True)
