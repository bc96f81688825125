"""威政发〔2018〕20号 第14条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import AnnualCount, EventAmounts, Matching
from policy.jurisdiction import Provision
from policy_weihai.documents import A
from policy_weihai.vocabulary import A_SILENT, ALL_KINDS

#: The province–city 1:1 matching of provincial science and technology awards (also B 第22条): the ratio is the rule's.
PROVINCIAL_MATCHING = "{label}，省级奖金 {base} × {ratio}（省市 1:{ratio}）= {amount}"
PROVINCIAL_MISSING = "缺少省级奖金金额（按省市 1:{ratio} 配套，须填写省级奖金）"


PROVISIONS = [
    Provision("A.14.national_award_matching", "国家科学技术奖配套奖励（第一完成单位）", A.number, "第14条", "fixed", False,
              "a14_national_award_matching", "作为第一完成单位获国家科学技术奖特等/一等/二等奖（2023年7月13日前获得）",
              ("enterprise", "research_institution"),
              ("a.art_14.national_award_special", "a.art_14.national_award_first", "a.art_14.national_award_second"), window=A.window),
    Provision("A.14.provincial_award_matching", "省科学技术奖省市 1:1 配套", A.number, "第14条", "matching", False,
              "a14_provincial_award_matching", "获省科学技术奖一/二/三等奖（2023年7月13日前获得），按省奖金 1:1 配套",
              ("enterprise", "research_institution"), ("a.art_14.provincial_award_matching_ratio",), window=A.window,
              explanation=EventAmounts(matching=Matching(ratio="a.art_14.provincial_award_matching_ratio", kind="award", subject="provincial_st_award", grades=("first", "second", "third"), window="a_replaced", template=PROVINCIAL_MATCHING, missing=PROVINCIAL_MISSING))),
    Provision("A.14.patent_volume_reward", "年获发明专利授权20件以上单位奖励", A.number, "第14条", "one_time", False,
              "a14_patent_volume_reward", "当年发明专利授权 20 件以上（年度事实 invention_patents_granted），在原有政策资助基础上奖励 20 万元",
              ALL_KINDS, ("a.art_14.patent_volume_threshold", "a.art_14.patent_volume_reward"), event_level=False,
              interpretations=A_SILENT, window=A.window,
              explanation=AnnualCount("invention_patents_granted", "发明专利授权", "a.art_14.patent_volume_threshold")),
    Provision("A.14.ip_quality_reward", "高质量专利、获奖专利、关键核心技术知识产权及知识产权示范/优势企业奖励", A.number, "第14条", "fixed",
              False, "a14_ip_quality_reward", "发明专利授权量全省五十强企业 30 万；中国专利金奖 100 万、中国外观设计金奖 30 万、"
              "中国专利奖优秀奖 20 万；山东省专利奖特别奖/一等奖/二等奖 20/10/5 万；山东省百项关键核心技术知识产权 100 万；"
              "国家知识产权示范企业 30 万、优势企业 10 万", ALL_KINDS,
              ("a.art_14.provincial_top50", "a.art_14.china_patent_gold", "a.art_14.china_design_gold",
               "a.art_14.china_patent_excellence", "a.art_14.shandong_patent_special", "a.art_14.shandong_patent_first",
               "a.art_14.shandong_patent_second", "a.art_14.key_core_ip", "a.art_14.ip_demonstration_enterprise",
               "a.art_14.ip_advantage_enterprise"), interpretations=A_SILENT, window=A.window),
    Provision("A.14.top_science_award_person", "国家、省最高科学技术奖个人配套奖励", A.number, "第14条", "fixed", False,
              "a14_top_science_award_person", "个人获得国家、省最高科学技术奖（award，subject=top_science_award，level=national/"
              "provincial；主体类别 person）：500 万元、200 万元；B 生效期间由 B 第22条重述", ("person",),
              ("a.art_14.top_award_national", "a.art_14.top_award_provincial"), window=A.window),
]
