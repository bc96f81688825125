"""威政发〔2023〕5号 第11条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ENT_RES_PLAT

PROVISIONS = [
    Provision("B.11.joint_rd_institution_ceiling", "企业在驻威高校院所联合建设研发机构补助", B.number, "第11条", "ceiling", True,
              "b11_joint_rd_institution_ceiling", "企业在驻威高校院所联合建设、独立运营且主要在我市高校院所开展研发活动的研发机构，经绩效评价"
              "（platform_evaluation，subject=joint_rd_institution）：不超过 50 万元", ENT_RES_PLAT,
              ("b.art_11.joint_rd_institution",), window=B.window),
]
