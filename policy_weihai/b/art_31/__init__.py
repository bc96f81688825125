"""威政发〔2023〕5号 第31条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ALL_KINDS

PROVISIONS = [
    Provision("B.31.pilot_base_ceiling", "中试示范基地年度绩效评价补助", B.number, "第31条", "ceiling", True, "b31_pilot_base_ceiling",
              "纳入市级以上备案管理的中试示范基地年度绩效评价（platform_evaluation，subject=pilot_base，level=city/provincial/national）："
              "择优不超过 50 万元（同一年度合计不超过 50 万元）", ALL_KINDS, ("b.art_31.pilot_base",), event_level=False,
              window=B.window, cap_parameter="b.art_31.pilot_base"),
]
