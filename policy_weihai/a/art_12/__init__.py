"""威政发〔2018〕20号 第12条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A, D

PROVISIONS = [
    Provision("A.12.university_science_park_grant", "升级为省、国家大学科技园资金补助", A.number, "第12条", "fixed", False,
              "a12_university_science_park_grant", "升级为省级（100 万元）或国家（300 万元）大学科技园（platform_approval，"
              "subject=university_science_park；B 生效期间由 B 第29条取代）", ("platform", "research_institution", "enterprise"),
              ("a.art_12.provincial", "a.art_12.national"), also_cited=(f"{D.number} 二（四）2",), window=A.window),
]
