"""威政发〔2023〕5号 第19条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.19.talent_service_fee_ceiling", "受托开展人才、项目、技术双向对接的服务机构服务费用", B.number, "第19条", "ceiling", True,
              "b19_talent_service_fee_ceiling", "受委托开展人才、项目、技术的双向对接、引进使用、落地转化等工作（project，"
              "subject=talent_service_commission）：服务费用不超过 50 万元", ("service_provider", "enterprise", "research_institution"),
              ("b.art_19.talent_service_fee",), window=B.window),
]
