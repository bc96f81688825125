"""威政发〔2023〕5号 第7条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ALL_KINDS

PROVISIONS = [
    Provision("B.07.open_challenge_project_ceiling", "“揭榜挂帅”“技术总师负责制”项目承担单位支持", B.number, "第7条", "ceiling", True,
              "b07_open_challenge_project_ceiling", "市级择优立项的揭榜挂帅/技术总师负责制项目（project，subject=open_challenge_project 或 "
              "chief_engineer_project，level=city）：根据实施成效不超过 200 万元", ALL_KINDS, ("b.art_07.open_challenge_project",),
              window=B.window),
]
