"""威政发〔2023〕5号 第15条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.15.startup_landing_ceiling", "通过科技交流合作活动落地的初创科技企业一次性补助", B.number, "第15条", "ceiling", True,
              "b15_startup_landing_ceiling", "通过中韩创新大赛、中日科技创新合作大会等活动落地我市的科技型企业，完成实物工作量 100 万元（含）"
              "以上（other，subject=cooperation_event_startup，amount=实物工作量）：一次性不超过 50 万元", ("enterprise",),
              ("b.art_15.startup_landing", "b.art_15.startup_landing_min_investment"), window=B.window),
]
