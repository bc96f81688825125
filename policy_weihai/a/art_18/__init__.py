"""威政发〔2018〕20号 第18条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import AnnualCount
from policy.jurisdiction import Provision
from policy_weihai.documents import A, D
from policy_weihai.vocabulary import A_SILENT

PROVISIONS = [
    Provision("A.18.ip_agency_volume_ceiling", "年度代理市内发明专利授权超过100件的服务机构奖励", A.number, "第18条", "ceiling", True,
              "a18_ip_agency_volume_ceiling", "在我市注册的服务机构当年代理市内发明专利授权超过 100 件（年度事实 agency_invention_patents）："
              "最高 20 万元", ("service_provider",), ("a.art_18.agency_patent_threshold", "a.art_18.agency_reward"),
              event_level=False, also_cited=(f"{D.number} 二（四）4",), interpretations=A_SILENT, window=A.window,
              explanation=AnnualCount("agency_invention_patents", "代理市内发明专利授权", "a.art_18.agency_patent_threshold", strictly=True)),
    Provision("A.18.patent_operation_pilot_ceiling", "国家专利运营试点服务机构奖励", A.number, "第18条", "ceiling", True,
              "a18_patent_operation_pilot_ceiling", "认定为国家专利运营试点的服务机构（certification，subject=national_patent_operation_pilot）："
              "最高 100 万元", ("service_provider",), ("a.art_18.patent_operation_pilot",), also_cited=(f"{D.number} 二（四）4",),
              interpretations=A_SILENT, window=A.window),
    Provision("A.18.patent_navigation_subsidy", "企业专利导航补助", A.number, "第18条", "proportional", False,
              "a18_patent_navigation_subsidy", "企业绘制专利地图、开展专利导航（other，subject=patent_navigation，amount=实际发生费用）："
              "费用×50%，最高 50 万元（按每家每年计）", ("enterprise",), ("a.art_18.navigation_rate", "a.art_18.navigation_cap"),
              event_level=False, interpretations=A_SILENT, cap_parameter="a.art_18.navigation_cap", window=A.window),
]
