"""威政发〔2018〕20号 第10条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A, D
from policy_weihai.vocabulary import ENT_RES_PLAT

PROVISIONS = [
    Provision("A.10.international_base_reward", "国家级、省级国际合作基地奖励", A.number, "第10条", "fixed", False,
              "a10_international_base_reward", "认定为国家级（100 万元）或省级（50 万元）国际合作基地", ENT_RES_PLAT,
              ("a.art_10.national", "a.art_10.provincial"), also_cited=(f"{D.number} 二（四）1",),
              interpretations=("a_survives_b",), window=A.window),
    Provision("A.10.overseas_rd_center_ceiling", "企业“走出去”建立研发中心依托单位补助", A.number, "第10条", "ceiling", True,
              "a10_overseas_rd_center_ceiling", "企业在境外自建、并购、合作共建研发中心/联合实验室/过渡型研发机构（platform_approval，"
              "subject=overseas_rd_center），在我市注册的依托单位择优 100 万元（B 生效期间由 B 第4条市外研发机构条款取代）",
              ("enterprise", "service_provider"), ("a.art_10.overseas_rd_center",), also_cited=(f"{D.number} 二（四）4",), window=A.window),
]
