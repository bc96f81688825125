"""威政发〔2023〕5号 第32条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ALL_KINDS

PROVISIONS = [
    Provision("B.32.science_popularization_ceiling", "科普成效好的单位补助", B.number, "第32条", "ceiling", True,
              "b32_science_popularization_ceiling", "开展科普竞赛、科普宣传等科普活动成效好（other，subject=science_popularization）："
              "不超过 10 万元", ALL_KINDS, ("b.art_32.science_popularization",), window=B.window),
]
