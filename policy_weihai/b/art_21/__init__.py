"""威政发〔2023〕5号 第21条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ALL_KINDS, ENT_RES_PLAT

PROVISIONS = [
    Provision("B.21.foreign_expert_studio_grant", "外国专家工作室考核优秀补助", B.number, "第21条", "one_time", False,
              "b21_foreign_expert_studio_grant", "外国专家工作室建设期满考核评估优秀（platform_evaluation，subject=foreign_expert_studio，"
              "grade=优秀）", ENT_RES_PLAT, ("b.art_21.foreign_expert_studio",), window=B.window),
    Provision("B.21.foreign_expert_station_ceiling", "外国专家驿站分站（海外联络站）考核优秀补助", B.number, "第21条", "ceiling", True,
              "b21_foreign_expert_station_ceiling", "山东省外国专家驿站分站（海外联络站）考核评估优秀（platform_evaluation，"
              "subject=foreign_expert_station_branch，grade=优秀）：不超过 20 万元", ALL_KINDS,
              ("b.art_21.foreign_expert_station_branch",), window=B.window),
]
