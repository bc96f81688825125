"""威政发〔2018〕20号 第5条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A, B, D
from policy_weihai.vocabulary import ALL_KINDS, ENT_RES_PLAT

PROVISIONS = [
    Provision("A.05.tic_support", "认定为国家级、省级技术创新中心市级支持", A.number, "第5条", "fixed", False,
              "a05_tic_support", f"技术创新中心获批（国家级/省级），事件日期早于 {B.window_from} 或晚于 {B.window_to}",
              ENT_RES_PLAT, ("a.art_05.tic_national", "a.art_05.tic_provincial"), also_cited=(f"{D.number} 二（四）1",), window=A.window),
    Provision("A.05.new_rd_institution_ceiling", "新型研发机构择优支持", A.number, "第5条", "ceiling", True,
              "a05_new_rd_institution_ceiling", "高校院所、企业自行建设的研究院等新型研发机构（platform_approval，subject=new_rd_institution）："
              "择优最高 200 万元（B 生效期间由 B 第4条取代）", ("research_institution", "enterprise", "platform"),
              ("a.art_05.new_rd_institution",), also_cited=(f"{D.number} 二（四）1",), window=A.window),
    Provision("A.05.city_tic_pilot_grant", "市级技术创新中心建设试点资金补助", A.number, "第5条", "fixed", False,
              "a05_city_tic_pilot_grant", "牵头组建市级技术创新中心（platform_approval，subject=technology_innovation_center，level=city，"
              "role=lead）：企业 200 万元、高校院所 300 万元（B 生效期间由 B 第1条取代）", ("enterprise", "research_institution"),
              ("a.art_05.city_tic_pilot_enterprise", "a.art_05.city_tic_pilot_public"), also_cited=(f"{D.number} 二（四）1",), window=A.window),
    Provision("A.05.clinical_center_grant", "市级临床医学研究中心绩效评价及升级后补助", A.number, "第5条", "fixed", False,
              "a05_clinical_center_grant", "市级临床医学研究中心首次通过绩效评价（platform_evaluation，level=city）100 万元；升级为省级以上"
              "（platform_approval，level=provincial/national）200 万元（B 生效期间由 B 第1条取代）", ALL_KINDS,
              ("a.art_05.clinical_first_evaluation", "a.art_05.clinical_upgrade"), window=A.window),
]
