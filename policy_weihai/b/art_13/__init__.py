"""威政发〔2023〕5号 第13条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ALL_KINDS

PROVISIONS = [
    Provision("B.13.innovation_event_ceiling", "承办、协办市级以上科技合作交流及创新创业活动补助", B.number, "第13条", "ceiling", True,
              "b13_innovation_event_ceiling", "承办或协办市级以上国内外科技合作交流会议、创新创业大赛、创客活动周等（other，"
              "subject=innovation_event_host，level=city/provincial/national）：每项活动不超过 100 万元", ALL_KINDS,
              ("b.art_13.innovation_event_host",), window=B.window),
]
