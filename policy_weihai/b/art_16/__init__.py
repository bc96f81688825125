"""威政发〔2023〕5号 第16条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.16.contest_reward", "中国创新创业大赛全国赛优秀企业奖励", B.number, "第16条", "one_time", False,
              "b16_contest_reward", "晋级中国创新创业大赛全国赛并获得优秀企业称号（award，subject=china_innovation_contest_excellent）",
              ("enterprise",), ("b.art_16.contest_excellent",), window=B.window),
]
