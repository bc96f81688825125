"""威政发〔2018〕20号 第15条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A, D
from policy_weihai.vocabulary import A_SILENT, ALL_KINDS

PROVISIONS = [
    Provision("A.15.tech_transfer_agency_reward", "国家级、省级技术转移示范机构奖励", A.number, "第15条", "fixed", False,
              "a15_tech_transfer_agency_reward", "获得国家级（200 万元）或省级（100 万元）技术转移示范机构称号",
              ("service_provider", "research_institution", "enterprise", "platform"),
              ("a.art_15.national", "a.art_15.provincial"), also_cited=(f"{D.number} 二（四）1",),
              interpretations=("a_survives_b",), window=A.window),
    Provision("A.15.tech_market_award_reward", "国家、省技术市场奖励配套奖励", A.number, "第15条", "fixed", False,
              "a15_tech_market_award_reward", "获得国家（20 万元）或省（10 万元）技术市场奖励（award，subject=technology_market_award）",
              ALL_KINDS, ("a.art_15.tech_market_national", "a.art_15.tech_market_provincial"),
              also_cited=(f"{D.number} 二（四）1",), interpretations=A_SILENT, window=A.window),
]
