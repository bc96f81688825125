"""威政发〔2023〕5号 第4条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ENT_RES_PLAT

PROVISIONS = [
    Provision("B.04.new_rd_institution_ceiling", "新型研发机构绩效优秀、市外研发机构服务我市绩效突出补助", B.number, "第4条", "ceiling",
              True, "b04_new_rd_institution_ceiling", "备案的市级新型研发机构绩效评价优秀（platform_evaluation，subject=new_rd_institution，"
              "level=city，grade=优秀），或我市企业在市外设立的研发机构/人才飞地经评价服务我市绩效突出（subject=offsite_rd_institution，"
              "grade=优秀）：各不超过 50 万元", ENT_RES_PLAT,
              ("b.art_04.city_new_rd_institution", "b.art_04.offsite_rd_institution"), window=B.window),
]
