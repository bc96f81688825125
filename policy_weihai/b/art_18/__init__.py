"""威政发〔2023〕5号 第18条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ENT_RES_PLAT

PROVISIONS = [
    Provision("B.18.city_consortium_grant", "市级创新联合体备案补助", B.number, "第18条", "fixed", False,
              "b18_city_consortium_grant", "通过备案的市级创新联合体（platform_approval，subject=innovation_consortium，level=city）",
              ENT_RES_PLAT, ("b.art_18.city_consortium",), window=B.window),
    Provision("B.18.consortium_project_ceiling", "创新联合体链条式、体系化科研攻关支持", B.number, "第18条", "ceiling", True,
              "b18_consortium_project_ceiling", "创新联合体通过揭榜挂帅/技术总师负责制开展链条式、体系化科研项目攻关（project，"
              "subject=consortium_chain_project）：不超过 200 万元", ENT_RES_PLAT, ("b.art_18.consortium_project",),
              window=B.window),
]
