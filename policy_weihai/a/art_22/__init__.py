"""威政发〔2018〕20号 第22条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A
from policy_weihai.vocabulary import A_SILENT

PROVISIONS = [
    Provision("A.22.hightech_zone_ranking_reward", "国家高新区排名前移奖励", A.number, "第22条", "per_unit", False,
              "a22_hightech_zone_ranking_reward", "国家高新区排名较往年最高位次每前移 1 个位次 200 万元（other，"
              "subject=hightech_zone_ranking_advance，amount=前移的位次数；主体类别 region，即高区管委）", ("region",),
              ("a.art_22.per_position",), interpretations=A_SILENT, window=A.window),
]
