"""The catalogue of encoded provisions and the named interpretations (what the documents leave open).

Each provision names the openfisca variable that computes it, its citations (A and D twins are one rule with two
citations), its form, beneficiary kinds, qualifying event and the parameters it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

A, B, D = "威政发〔2018〕20号", "威政发〔2023〕5号", "威政办字〔2018〕107号"
FORMS = {"fixed": "固定金额", "ceiling": "最高限额（经评审确定）", "proportional": "按比例（有上限）",
         "matching": "配套（按上级资金比例）", "per_unit": "按数量（有年度上限）", "one_time": "一次性",
         "case_by_case": "一事一议/未定金额"}
WINDOWS = {"A": ("2018-11-13", None), "B": ("2023-07-13", "2028-07-12"), "D": ("2018-11-27", None),
           "E": ("2022-01-01", "2022-12-31")}


@dataclass(frozen=True)
class Provision:
    id: str
    title: str
    document: str
    article: str
    form: str
    is_ceiling: bool
    variable: str
    event: str  # qualifying event or condition, in Chinese
    beneficiary: tuple[str, ...]
    parameters: tuple[str, ...]
    event_level: bool = True  # computed per event (True) or per organisation-year (False)
    also_cited: tuple[str, ...] = ()
    interpretations: tuple[str, ...] = ()
    window: tuple[str, str | None] = ("2018-11-13", None)
    cap_parameter: str = ""
    subjects: tuple[tuple[str, str, str], ...] = field(default=())  # (kind, subject, level) filters for the split


ENT_RES_PLAT = ("enterprise", "research_institution", "platform")
PROVISIONS: list[Provision] = [
    Provision("A.05.tic_support", "认定为国家级、省级技术创新中心市级支持", A, "第5条", "fixed", False,
              "a05_tic_support", "技术创新中心获批（国家级/省级），事件日期早于 2023-07-13 或晚于 2028-07-12",
              ENT_RES_PLAT, ("a.art_05.tic_national", "a.art_05.tic_provincial"), also_cited=(f"{D} 二（四）1",)),
    Provision("A.07.hte_reward", "新认定/重新认定高新技术企业奖励", A, "第7条", "one_time", False, "a07_hte_reward",
              "当年通过高新技术企业认定（首次 20 万元、重新认定 10 万元）", ("enterprise", "service_provider"),
              ("a.art_07.hte_first", "a.art_07.hte_re"), event_level=False, also_cited=(f"{D} 二（四）4",),
              interpretations=("a_survives_b",)),
    Provision("A.14.national_award_matching", "国家科学技术奖配套奖励（第一完成单位）", A, "第14条", "fixed", False,
              "a14_national_award_matching", "作为第一完成单位获国家科学技术奖特等/一等/二等奖（B 生效前）",
              ("enterprise", "research_institution"),
              ("a.art_14.national_award_special", "a.art_14.national_award_first", "a.art_14.national_award_second")),
    Provision("A.14.provincial_award_matching", "省科学技术奖省市 1:1 配套", A, "第14条", "matching", False,
              "a14_provincial_award_matching", "获省科学技术奖一/二/三等奖（B 生效前），金额=省奖金×1",
              ("enterprise", "research_institution"), ("a.art_14.provincial_award_matching_ratio",)),
    Provision("A.16.national_incubator_reward", "国家级孵化器、国家专业化众创空间一次性奖励", A, "第16条", "one_time",
              False, "a16_national_incubator_reward", "认定为国家级科技企业孵化器/国家专业化众创空间（B 生效前）",
              ENT_RES_PLAT, ("a.art_16.national_incubator",), also_cited=(f"{D} 二（四）2",)),
    Provision("A.16.incubatee_upgrade_reward", "在孵企业升级高企奖励孵化器", A, "第16条", "per_unit", False,
              "a16_incubatee_upgrade_reward", "在孵企业 3 年孵化期内升级为高新技术企业（每家 10 万元，每年最高 100 万元）",
              ENT_RES_PLAT, ("a.art_16.incubatee_upgrade_reward", "a.art_16.incubatee_upgrade_cap"),
              also_cited=(f"{D} 二（四）2",), interpretations=("a_survives_b",),
              cap_parameter="a.art_16.incubatee_upgrade_cap"),
    Provision("B.01.platform_reward", "获批全国重点实验室、国家级技术创新中心/临床医学研究中心奖励", B, "第1条", "fixed",
              False, "b01_platform_reward", "获批全国重点实验室（牵头 1000 万、参与 500 万）、国家级技术创新中心/临床医学研究中心",
              ENT_RES_PLAT, ("b.art_01.national_key_lab_lead", "b.art_01.national_key_lab_participant",
                             "b.art_01.national_tic"), window=WINDOWS["B"]),
    Provision("B.01.platform_ceiling", "获批省级共同体、制造业创新中心、省/市级重点实验室等（不超过）", B, "第1条", "ceiling",
              True, "b01_platform_reward", "获批省级创新创业共同体、国家/省级制造业创新中心（牵头）、省级或市级重点实验室/技术创新中心/临床医学研究中心",
              ENT_RES_PLAT, ("b.art_01.provincial_community", "b.art_01.manufacturing_national",
                             "b.art_01.manufacturing_provincial", "b.art_01.provincial_platform",
                             "b.art_01.city_platform"), window=WINDOWS["B"]),
    Provision("B.09.rd_growth_subsidy", "研发投入递增补助", B, "第9条", "proportional", True, "b09_rd_growth_subsidy",
              "规上、有研发活动的高企或科技型中小企业，研发投入增长≥10% 且增量>100 万元", ("enterprise",),
              ("b.art_09.rate", "b.art_09.cap", "b.art_09.growth_threshold", "b.art_09.increment_threshold"),
              event_level=False, interpretations=("b09_reference_date",), window=WINDOWS["B"],
              cap_parameter="b.art_09.cap"),
    Provision("B.14.contract_subsidy", "技术合同购买方补助", B, "第14条", "proportional", True, "b14_contract_subsidy",
              "经备案的技术开发、技术转让合同（购买方为企业），按支付金额 5%，每家每年不超过 30 万元", ("enterprise",),
              ("b.art_14.rate", "b.art_14.cap"), window=WINDOWS["B"], cap_parameter="b.art_14.cap"),
    Provision("B.17.hte_growth_reward", "当年通过认定高企成长性奖励", B, "第17条", "one_time", False,
              "b17_hte_growth_reward", "当年通过高新技术企业认定且近 3 年销售收入复合增长率≥10%", ("enterprise",),
              ("b.art_17.reward", "b.art_17.cagr_threshold"), event_level=False,
              interpretations=("b17_cagr_prior_years", "b17_includes_recertification"), window=WINDOWS["B"]),
    Provision("B.22.national_award_matching", "国家科学技术奖配套奖励（第一完成单位）", B, "第22条", "fixed", False,
              "b22_national_award_matching", "作为第一完成单位获国家科学技术奖特等/一等/二等奖（300/200/100 万元）",
              ("enterprise", "research_institution"),
              ("b.art_22.national_award_special", "b.art_22.national_award_first", "b.art_22.national_award_second"),
              window=WINDOWS["B"]),
    Provision("B.22.provincial_award_matching", "省科学技术奖省市 1:1 配套", B, "第22条", "matching", False,
              "b22_provincial_award_matching", "获省科学技术奖特等/一等/二等/青年奖，金额=省奖金×1",
              ("enterprise", "research_institution"), ("b.art_22.provincial_award_matching_ratio",), window=WINDOWS["B"]),
    Provision("B.29.incubator_reward", "新获批国家级孵化器/大学科技园/专业化众创空间、省级大学科技园奖励", B, "第29条",
              "ceiling", True, "b29_incubator_reward", "新获批国家级科技企业孵化器/大学科技园/专业化众创空间（不超过 100 万）或省级大学科技园（不超过 50 万）",
              ENT_RES_PLAT, ("b.art_29.national_incubator", "b.art_29.provincial_university_science_park"),
              window=WINDOWS["B"]),
    Provision("B.25.ip_loan_interest", "知识产权质押贷款贴息", B, "第25条", "proportional", False, "b25_ip_loan_interest",
              "知识产权质押贷款（融资事件 subject=ip_pledge_loan，金额=贷款额，日期=合同签订日）：贷款额×上月1年期LPR×20%，年最高 20 万元",
              ("enterprise",), ("b.art_25.loan_interest_share", "b.art_25.loan_interest_cap"), window=WINDOWS["B"],
              interpretations=("b25_interest_basis",), cap_parameter="b.art_25.loan_interest_cap"),
    Provision("B.25.ip_evaluation_fee", "知识产权质押评估费补贴", B, "第25条", "proportional", False,
              "b25_ip_evaluation_fee", "评估费（分析评价费）实际发生额×30%，最高 5 万元（subject=ip_evaluation_fee）",
              ("enterprise",), ("b.art_25.evaluation_fee_rate", "b.art_25.evaluation_fee_cap"), window=WINDOWS["B"],
              cap_parameter="b.art_25.evaluation_fee_cap"),
    Provision("B.25.ip_insurance", "知识产权质押保险保费补贴", B, "第25条", "proportional", False, "b25_ip_insurance",
              "知识产权质押保险保费实际发生额×20%，最高 2 万元（subject=ip_pledge_insurance）", ("enterprise",),
              ("b.art_25.insurance_rate", "b.art_25.insurance_cap"), window=WINDOWS["B"],
              cap_parameter="b.art_25.insurance_cap"),
    Provision("A.10.international_base_reward", "国家级、省级国际合作基地奖励", A, "第10条", "fixed", False,
              "a10_international_base_reward", "认定为国家级（100 万元）或省级（50 万元）国际合作基地", ENT_RES_PLAT,
              ("a.art_10.national", "a.art_10.provincial"), also_cited=(f"{D} 二（四）1",),
              interpretations=("a_survives_b",)),
    Provision("A.15.tech_transfer_agency_reward", "国家级、省级技术转移示范机构奖励", A, "第15条", "fixed", False,
              "a15_tech_transfer_agency_reward", "获得国家级（200 万元）或省级（100 万元）技术转移示范机构称号",
              ("service_provider", "research_institution", "enterprise", "platform"),
              ("a.art_15.national", "a.art_15.provincial"), also_cited=(f"{D} 二（四）1",),
              interpretations=("a_survives_b",)),
    Provision("B.29.brand_incubator_reward", "山东省品牌科技企业孵化器、品牌众创空间奖励", B, "第29条", "one_time", False,
              "b29_brand_incubator_reward", "入选山东省品牌科技企业孵化器（10 万元）、品牌众创空间（5 万元）",
              ENT_RES_PLAT, ("b.art_29.brand_incubator", "b.art_29.brand_makerspace"), window=WINDOWS["B"]),
    Provision("B.05.agri_zone_reward", "升级为国家/省农业高新技术产业示范区奖励", B, "第5条", "one_time", False,
              "b05_agri_zone_reward", "农业科技园区升级为国家（500 万元）或省（100 万元）农业高新技术产业示范区（platform_approval，"
              "subject=agricultural_high_tech_zone）", ("platform", "enterprise", "research_institution"),
              ("b.art_05.agri_zone_national", "b.art_05.agri_zone_provincial"), window=WINDOWS["B"]),
    Provision("B.16.contest_reward", "中国创新创业大赛全国赛优秀企业奖励", B, "第16条", "one_time", False,
              "b16_contest_reward", "晋级中国创新创业大赛全国赛并获得优秀企业称号（award，subject=china_innovation_contest_excellent）",
              ("enterprise",), ("b.art_16.contest_excellent",), window=WINDOWS["B"]),
    Provision("B.18.city_consortium_grant", "市级创新联合体备案补助", B, "第18条", "fixed", False,
              "b18_city_consortium_grant", "通过备案的市级创新联合体（platform_approval，subject=innovation_consortium，level=city）",
              ENT_RES_PLAT, ("b.art_18.city_consortium",), window=WINDOWS["B"]),
    Provision("B.21.foreign_expert_studio_grant", "外国专家工作室考核优秀补助", B, "第21条", "one_time", False,
              "b21_foreign_expert_studio_grant", "外国专家工作室建设期满考核评估优秀（platform_evaluation，subject=foreign_expert_studio，"
              "grade=优秀）", ENT_RES_PLAT, ("b.art_21.foreign_expert_studio",), window=WINDOWS["B"]),
]
ALL_KINDS = ("enterprise", "research_institution", "platform", "service_provider")
# ---- B: the remaining quantitative articles (table-driven rules, policy_weihai common.Rule)
PROVISIONS += [
    Provision("B.04.new_rd_institution_ceiling", "新型研发机构绩效优秀、市外研发机构服务我市绩效突出补助", B, "第4条", "ceiling",
              True, "b04_new_rd_institution_ceiling", "备案的市级新型研发机构绩效评价优秀（platform_evaluation，subject=new_rd_institution，"
              "level=city，grade=优秀），或我市企业在市外设立的研发机构/人才飞地经评价服务我市绩效突出（subject=offsite_rd_institution，"
              "grade=优秀）：各不超过 50 万元", ENT_RES_PLAT,
              ("b.art_04.city_new_rd_institution", "b.art_04.offsite_rd_institution"), window=WINDOWS["B"]),
    Provision("B.07.open_challenge_project_ceiling", "“揭榜挂帅”“技术总师负责制”项目承担单位支持", B, "第7条", "ceiling", True,
              "b07_open_challenge_project_ceiling", "市级择优立项的揭榜挂帅/技术总师负责制项目（project，subject=open_challenge_project 或 "
              "chief_engineer_project，level=city）：根据实施成效不超过 200 万元", ALL_KINDS, ("b.art_07.open_challenge_project",),
              window=WINDOWS["B"]),
    Provision("B.11.joint_rd_institution_ceiling", "企业在驻威高校院所联合建设研发机构补助", B, "第11条", "ceiling", True,
              "b11_joint_rd_institution_ceiling", "企业在驻威高校院所联合建设、独立运营且主要在我市高校院所开展研发活动的研发机构，经绩效评价"
              "（platform_evaluation，subject=joint_rd_institution）：不超过 50 万元", ENT_RES_PLAT,
              ("b.art_11.joint_rd_institution",), window=WINDOWS["B"]),
    Provision("B.13.innovation_event_ceiling", "承办、协办市级以上科技合作交流及创新创业活动补助", B, "第13条", "ceiling", True,
              "b13_innovation_event_ceiling", "承办或协办市级以上国内外科技合作交流会议、创新创业大赛、创客活动周等（other，"
              "subject=innovation_event_host，level=city/provincial/national）：每项活动不超过 100 万元", ALL_KINDS,
              ("b.art_13.innovation_event_host",), window=WINDOWS["B"]),
    Provision("B.14.tech_transfer_agency_ceiling", "市级备案技术转移服务机构绩效优秀补助", B, "第14条", "ceiling", True,
              "b14_tech_transfer_agency_ceiling", "市级备案技术转移服务机构年度绩效评价优秀（platform_evaluation，"
              "subject=tech_transfer_agency，level=city，grade=优秀）：每家不超过 10 万元（同一年度合计不超过 10 万元）",
              ("service_provider", "research_institution", "enterprise", "platform"), ("b.art_14.tech_transfer_agency",),
              event_level=False, window=WINDOWS["B"], cap_parameter="b.art_14.tech_transfer_agency"),
    Provision("B.15.startup_landing_ceiling", "通过科技交流合作活动落地的初创科技企业一次性补助", B, "第15条", "ceiling", True,
              "b15_startup_landing_ceiling", "通过中韩创新大赛、中日科技创新合作大会等活动落地我市的科技型企业，完成实物工作量 100 万元（含）"
              "以上（other，subject=cooperation_event_startup，amount=实物工作量）：一次性不超过 50 万元", ("enterprise",),
              ("b.art_15.startup_landing", "b.art_15.startup_landing_min_investment"), window=WINDOWS["B"]),
    Provision("B.17.cultivation_agency_ceiling", "高新技术企业认定培育机构奖励", B, "第17条", "ceiling", True,
              "b17_cultivation_agency_ceiling", "开展高企认定培育的机构经绩效评价（platform_evaluation，subject=hte_cultivation_agency）："
              "不超过 50 万元", ("service_provider", "research_institution", "enterprise", "platform"),
              ("b.art_17.cultivation_agency",), window=WINDOWS["B"]),
    Provision("B.18.consortium_project_ceiling", "创新联合体链条式、体系化科研攻关支持", B, "第18条", "ceiling", True,
              "b18_consortium_project_ceiling", "创新联合体通过揭榜挂帅/技术总师负责制开展链条式、体系化科研项目攻关（project，"
              "subject=consortium_chain_project）：不超过 200 万元", ENT_RES_PLAT, ("b.art_18.consortium_project",),
              window=WINDOWS["B"]),
    Provision("B.19.talent_service_fee_ceiling", "受托开展人才、项目、技术双向对接的服务机构服务费用", B, "第19条", "ceiling", True,
              "b19_talent_service_fee_ceiling", "受委托开展人才、项目、技术的双向对接、引进使用、落地转化等工作（project，"
              "subject=talent_service_commission）：服务费用不超过 50 万元", ("service_provider", "enterprise", "research_institution"),
              ("b.art_19.talent_service_fee",), window=WINDOWS["B"]),
    Provision("B.21.foreign_expert_station_ceiling", "外国专家驿站分站（海外联络站）考核优秀补助", B, "第21条", "ceiling", True,
              "b21_foreign_expert_station_ceiling", "山东省外国专家驿站分站（海外联络站）考核评估优秀（platform_evaluation，"
              "subject=foreign_expert_station_branch，grade=优秀）：不超过 20 万元", ALL_KINDS,
              ("b.art_21.foreign_expert_station_branch",), window=WINDOWS["B"]),
    Provision("B.23.transformation_loan_interest_ceiling", "科技成果转化贷款省级贴息", B, "第23条", "ceiling", True,
              "b23_transformation_loan_interest_ceiling", "国家科技型中小企业首次纳入山东省科技成果转化贷款风险补偿备案并按时还本付息（financing，"
              "subject=transformation_loan）：省级贴息每家不超过 50 万元（同一年度合计不超过 50 万元）", ("enterprise",),
              ("b.art_23.transformation_loan_interest",), event_level=False, window=WINDOWS["B"],
              cap_parameter="b.art_23.transformation_loan_interest"),
    Provision("B.24.chokepoint_project_ceiling", "“卡脖子”攻关项目财政“拨”款补助", B, "第24条", "ceiling", True,
              "b24_chokepoint_project_ceiling", "高新技术企业的项目入选“卡脖子”攻关项目库（project，subject=chokepoint_project）："
              "按一定比例择优，不超过 50 万元", ("enterprise",), ("b.art_24.chokepoint_project",), window=WINDOWS["B"]),
    Provision("B.24.chokepoint_insurance_subsidy", "“卡脖子研发损失险”保费补贴", B, "第24条", "proportional", False,
              "b24_chokepoint_insurance_subsidy", "投保“卡脖子研发损失险”（financing，subject=chokepoint_rd_insurance，amount=实际支出保费）："
              "保费×50%，上限 20 万元（每家每年）", ("enterprise",),
              ("b.art_24.chokepoint_insurance_rate", "b.art_24.chokepoint_insurance_cap"), event_level=False,
              window=WINDOWS["B"], cap_parameter="b.art_24.chokepoint_insurance_cap"),
    Provision("B.27.tech_bank_loan_interest_ceiling", "科技支行贷款贴息上限", B, "第27条", "ceiling", True,
              "b27_tech_bank_loan_interest_ceiling", "科技型中小企业、高企、科技领军企业、市级及以上专精特新企业通过科技支行贷款（financing，"
              "subject=tech_bank_loan，amount=贷款余额）：贴息不超过 min(贷款余额, 3000 万元)×1%", ("enterprise",),
              ("b.art_27.loan_cap", "b.art_27.interest_cap_rate"), event_level=False, window=WINDOWS["B"],
              cap_parameter="b.art_27.loan_cap"),
    Provision("B.30.instrument_voucher_subsidy", "使用共享科研仪器购买服务费用市级补助", B, "第30条", "proportional", False,
              "b30_instrument_voucher_subsidy", "中小微企业使用入网共享的科研设施与仪器发生购买服务费用（other，subject=shared_instrument_service，"
              "amount=购买服务费用），在省级创新券 40% 基础上市级再补 20%", ("enterprise",),
              ("b.art_30.instrument_voucher_rate",), window=WINDOWS["B"]),
    Provision("B.31.pilot_base_ceiling", "中试示范基地年度绩效评价补助", B, "第31条", "ceiling", True, "b31_pilot_base_ceiling",
              "纳入市级以上备案管理的中试示范基地年度绩效评价（platform_evaluation，subject=pilot_base，level=city/provincial/national）："
              "择优不超过 50 万元（同一年度合计不超过 50 万元）", ALL_KINDS, ("b.art_31.pilot_base",), event_level=False,
              window=WINDOWS["B"], cap_parameter="b.art_31.pilot_base"),
    Provision("B.32.science_popularization_ceiling", "科普成效好的单位补助", B, "第32条", "ceiling", True,
              "b32_science_popularization_ceiling", "开展科普竞赛、科普宣传等科普活动成效好（other，subject=science_popularization）："
              "不超过 10 万元", ALL_KINDS, ("b.art_32.science_popularization",), window=WINDOWS["B"]),
]
# ---- A: the remaining quantitative articles. B restates 第5条 (new R&D institutions, city platforms), 第10条 (R&D
# institutions outside the city), 第12条 (university science parks) and parts of 第16条, so those are A-only before
# 2023-07-13 and after 2028-07-12; the rest B leaves alone (interpretation a_survives_b).
A_SILENT = ("a_survives_b",)
PROVISIONS += [
    Provision("A.05.new_rd_institution_ceiling", "新型研发机构择优支持", A, "第5条", "ceiling", True,
              "a05_new_rd_institution_ceiling", "高校院所、企业自行建设的研究院等新型研发机构（platform_approval，subject=new_rd_institution）："
              "择优最高 200 万元（B 生效期间由 B 第4条取代）", ("research_institution", "enterprise", "platform"),
              ("a.art_05.new_rd_institution",), also_cited=(f"{D} 二（四）1",)),
    Provision("A.05.city_tic_pilot_grant", "市级技术创新中心建设试点资金补助", A, "第5条", "fixed", False,
              "a05_city_tic_pilot_grant", "牵头组建市级技术创新中心（platform_approval，subject=technology_innovation_center，level=city，"
              "role=lead）：企业 200 万元、高校院所 300 万元（B 生效期间由 B 第1条取代）", ("enterprise", "research_institution"),
              ("a.art_05.city_tic_pilot_enterprise", "a.art_05.city_tic_pilot_public"), also_cited=(f"{D} 二（四）1",)),
    Provision("A.05.clinical_center_grant", "市级临床医学研究中心绩效评价及升级后补助", A, "第5条", "fixed", False,
              "a05_clinical_center_grant", "市级临床医学研究中心首次通过绩效评价（platform_evaluation，level=city）100 万元；升级为省级以上"
              "（platform_approval，level=provincial/national）200 万元（B 生效期间由 B 第1条取代）", ALL_KINDS,
              ("a.art_05.clinical_first_evaluation", "a.art_05.clinical_upgrade")),
    Provision("A.10.overseas_rd_center_ceiling", "企业“走出去”建立研发中心依托单位补助", A, "第10条", "ceiling", True,
              "a10_overseas_rd_center_ceiling", "企业在境外自建、并购、合作共建研发中心/联合实验室/过渡型研发机构（platform_approval，"
              "subject=overseas_rd_center），在我市注册的依托单位择优 100 万元（B 生效期间由 B 第4条市外研发机构条款取代）",
              ("enterprise", "service_provider"), ("a.art_10.overseas_rd_center",), also_cited=(f"{D} 二（四）4",)),
    Provision("A.12.university_science_park_grant", "升级为省、国家大学科技园资金补助", A, "第12条", "fixed", False,
              "a12_university_science_park_grant", "升级为省级（100 万元）或国家（300 万元）大学科技园（platform_approval，"
              "subject=university_science_park；B 生效期间由 B 第29条取代）", ("platform", "research_institution", "enterprise"),
              ("a.art_12.provincial", "a.art_12.national"), also_cited=(f"{D} 二（四）2",)),
    Provision("A.14.patent_volume_reward", "年获发明专利授权20件以上单位奖励", A, "第14条", "one_time", False,
              "a14_patent_volume_reward", "当年发明专利授权 20 件以上（年度事实 invention_patents_granted），在原有政策资助基础上奖励 20 万元",
              ALL_KINDS, ("a.art_14.patent_volume_threshold", "a.art_14.patent_volume_reward"), event_level=False,
              interpretations=A_SILENT),
    Provision("A.14.ip_quality_reward", "高质量专利、获奖专利、关键核心技术知识产权及知识产权示范/优势企业奖励", A, "第14条", "fixed",
              False, "a14_ip_quality_reward", "发明专利授权量全省五十强企业 30 万；中国专利金奖 100 万、中国外观设计金奖 30 万、"
              "中国专利奖优秀奖 20 万；山东省专利奖特别奖/一等奖/二等奖 20/10/5 万；山东省百项关键核心技术知识产权 100 万；"
              "国家知识产权示范企业 30 万、优势企业 10 万", ALL_KINDS,
              ("a.art_14.provincial_top50", "a.art_14.china_patent_gold", "a.art_14.china_design_gold",
               "a.art_14.china_patent_excellence", "a.art_14.shandong_patent_special", "a.art_14.shandong_patent_first",
               "a.art_14.shandong_patent_second", "a.art_14.key_core_ip", "a.art_14.ip_demonstration_enterprise",
               "a.art_14.ip_advantage_enterprise"), interpretations=A_SILENT),
    Provision("A.15.tech_market_award_reward", "国家、省技术市场奖励配套奖励", A, "第15条", "fixed", False,
              "a15_tech_market_award_reward", "获得国家（20 万元）或省（10 万元）技术市场奖励（award，subject=technology_market_award）",
              ALL_KINDS, ("a.art_15.tech_market_national", "a.art_15.tech_market_provincial"),
              also_cited=(f"{D} 二（四）1",), interpretations=A_SILENT),
    Provision("A.16.rural_makerspace_ceiling", "认定为星创天地择优奖励", A, "第16条", "ceiling", True,
              "a16_rural_makerspace_ceiling", "认定为星创天地（platform_approval，subject=rural_makerspace）：择优 100 万元",
              ("platform", "enterprise", "research_institution"), ("a.art_16.rural_makerspace",), interpretations=A_SILENT),
    Provision("A.16.brand_incubator_matching", "山东省品牌科技企业孵化器和众创空间省拨资金1:1配套", A, "第16条", "matching", False,
              "a16_brand_incubator_matching", "认定为山东省品牌科技企业孵化器/众创空间（certification，subject=brand_incubator/"
              "brand_makerspace，amount=省拨资金），金额=省拨资金×1（B 生效期间由 B 第29条 10/5 万元取代）",
              ("platform", "enterprise", "research_institution"), ("a.art_16.brand_matching_ratio",),
              also_cited=(f"{D} 二（四）2",)),
    Provision("A.16.innovation_event_ceiling", "举办、领办、协办市级以上创新创业活动奖励", A, "第16条", "ceiling", True,
              "a16_innovation_event_ceiling", "举办、领办、协办市级以上创新创业大赛、创客活动周等（other，subject=innovation_event_host，"
              "level=city/provincial/national）：每年最高 100 万元（B 生效期间由 B 第13条取代）", ALL_KINDS,
              ("a.art_16.innovation_event",), event_level=False, also_cited=(f"{D} 二（四）2",),
              cap_parameter="a.art_16.innovation_event"),
    Provision("A.16.contest_finalist_reward", "进入中国创新创业大赛全国行业总决赛奖励", A, "第16条", "fixed", False,
              "a16_contest_finalist_reward", "进入中国创新创业大赛全国行业总决赛（award，subject=china_innovation_contest_finalist）：10 万元"
              "（B 生效期间由 B 第16条取代）", ("enterprise", "research_institution"), ("a.art_16.contest_finalist",)),
    Provision("A.16.contest_prize_matching", "中国创新创业大赛获奖国家、省、市1:1:1配套", A, "第16条", "matching", False,
              "a16_contest_prize_matching", "中国创新创业大赛获奖（award，subject=china_innovation_contest_prize，amount=国家级奖金），"
              "金额=国家级奖金×1", ("enterprise", "research_institution"), ("a.art_16.contest_prize_matching_ratio",),
              interpretations=A_SILENT),
    Provision("A.16.advanced_service_enterprise_reward", "技术先进型服务企业一次性奖励", A, "第16条", "one_time", False,
              "a16_advanced_service_enterprise_reward", "经认定为技术先进型服务企业（certification，subject=advanced_tech_service_enterprise）："
              "一次性 20 万元", ("enterprise", "service_provider"), ("a.art_16.advanced_service_enterprise",),
              also_cited=(f"{D} 二（四）4",), interpretations=A_SILENT),
    Provision("A.18.ip_agency_volume_ceiling", "年度代理市内发明专利授权超过100件的服务机构奖励", A, "第18条", "ceiling", True,
              "a18_ip_agency_volume_ceiling", "在我市注册的服务机构当年代理市内发明专利授权超过 100 件（年度事实 agency_invention_patents）："
              "最高 20 万元", ("service_provider",), ("a.art_18.agency_patent_threshold", "a.art_18.agency_reward"),
              event_level=False, also_cited=(f"{D} 二（四）4",), interpretations=A_SILENT),
    Provision("A.18.patent_operation_pilot_ceiling", "国家专利运营试点服务机构奖励", A, "第18条", "ceiling", True,
              "a18_patent_operation_pilot_ceiling", "认定为国家专利运营试点的服务机构（certification，subject=national_patent_operation_pilot）："
              "最高 100 万元", ("service_provider",), ("a.art_18.patent_operation_pilot",), also_cited=(f"{D} 二（四）4",),
              interpretations=A_SILENT),
    Provision("A.18.patent_navigation_subsidy", "企业专利导航补助", A, "第18条", "proportional", False,
              "a18_patent_navigation_subsidy", "企业绘制专利地图、开展专利导航（other，subject=patent_navigation，amount=实际发生费用）："
              "费用×50%，最高 50 万元（按每家每年计）", ("enterprise",), ("a.art_18.navigation_rate", "a.art_18.navigation_cap"),
              event_level=False, interpretations=A_SILENT, cap_parameter="a.art_18.navigation_cap"),
]
# ---- science-and-technology finance: beneficiaries besides enterprises (partner banks) and A 第8条's matching; the
# events come from the scifinance app's loans and loss claims (see scifinance/engine.py).
PROVISIONS += [
    Provision("A.19.risk_compensation", "科技成果转化贷款损失市级风险补偿（合作银行）", A, "第19条", "proportional", False,
              "a19_risk_compensation", "获得省科技成果转化贷款风险补偿备案的合作银行，违约前已备案的贷款发生损失（financing，"
              "subject=risk_compensation_loss，amount=损失本金）：市级补偿损失×35%（省级另补 35%）", ("service_provider",),
              ("a.art_19.city_share",), interpretations=A_SILENT),
    Provision("B.24.chokepoint_loan_risk_ceiling", "合作银行“卡脖子攻关贷”风险资金补助", B, "第24条", "ceiling", True,
              "b24_chokepoint_loan_risk_ceiling", "合作银行当年新增的“卡脖子攻关贷”贷款余额（financing，subject=chokepoint_loan_new_balance，"
              "amount=年末余额）：不超过余额×0.6%", ("service_provider",), ("b.art_24.chokepoint_loan_risk_rate",),
              window=WINDOWS["B"]),
    Provision("A.08.industrial_base_matching", "国家火炬特色产业基地等上级支持资金1:1配套", A, "第8条", "matching", False,
              "a08_industrial_base_matching", "获批国家火炬特色产业基地、国家创新型产业集群、国家高新技术产业化基地、国家创新创业特色载体"
              "（platform_approval，subject=national_torch_base / national_innovative_cluster / national_industrialisation_base / "
              "national_innovation_carrier，level=national，amount=上级支持资金）：按上级支持资金 1:1 配套", ALL_KINDS,
              ("a.art_08.matching_ratio",), interpretations=A_SILENT),
    # beneficiaries that are not organisations of the registry: situations of kind "region" (the district or zone
    # government / 管委) and "person" (POST /api/policy/evaluate/ or the calculator)
    Provision("A.20.innovative_county_reward", "国家创新型县（市）、创新型乡镇奖励", A, "第20条", "fixed", False,
              "a20_innovative_county_reward", "区市认定为国家创新型县（市）500 万元、乡镇认定为创新型乡镇 100 万元（certification，"
              "subject=national_innovative_county / innovative_town；主体类别 region）", ("region",),
              ("a.art_20.national_innovative_county", "a.art_20.innovative_town"), interpretations=A_SILENT),
    Provision("A.22.hightech_zone_ranking_reward", "国家高新区排名前移奖励", A, "第22条", "per_unit", False,
              "a22_hightech_zone_ranking_reward", "国家高新区排名较往年最高位次每前移 1 个位次 200 万元（other，"
              "subject=hightech_zone_ranking_advance，amount=前移的位次数；主体类别 region，即高区管委）", ("region",),
              ("a.art_22.per_position",), interpretations=A_SILENT),
    Provision("A.14.top_science_award_person", "国家、省最高科学技术奖个人配套奖励", A, "第14条", "fixed", False,
              "a14_top_science_award_person", "个人获得国家、省最高科学技术奖（award，subject=top_science_award，level=national/"
              "provincial；主体类别 person）：500 万元、200 万元；B 生效期间由 B 第22条重述", ("person",),
              ("a.art_14.top_award_national", "a.art_14.top_award_provincial")),
    Provision("B.22.top_science_award_person", "国家、省最高科学技术奖个人配套奖励", B, "第22条", "fixed", False,
              "b22_top_science_award_person", "个人获得国家、省最高科学技术奖（award，subject=top_science_award，level=national/"
              "provincial；主体类别 person）：500 万元、200 万元", ("person",),
              ("b.art_22.top_award_national", "b.art_22.top_award_provincial"), window=WINDOWS["B"]),
]
BY_ID = {p.id: p for p in PROVISIONS}

#: B art. 1 paths that are ceilings (不超过/择优) rather than fixed amounts.
B01_CEILING_SUBJECTS = {"innovation_community", "manufacturing_innovation_center"}


@dataclass(frozen=True)
class Interpretation:
    name: str
    question: str
    default: object
    choices: tuple[object, ...]
    justification: str
    parameter: str = ""  # openfisca parameter that carries it, when the engine reads it


INTERPRETATIONS: dict[str, Interpretation] = {
    i.name: i for i in [
        Interpretation("a_survives_b", "B 未重复也未改变的 A 条款，在 2023-07-13 后是否继续适用？", True, (True, False),
                       "B 的废止条款只针对“与本意见不一致”的原政策；未被重述或改变的 A 条款与 B 不矛盾，故继续适用。",
                       "interpretations.a_survives_b"),
        Interpretation("b17_cagr_prior_years", "B 第17条“近3年销售收入复合增长率”取哪三年？", True, (True, False),
                       "高企认定审查的是申报前三个会计年度，故取认定年前三年（Y-3 至 Y-1，两个增长期）；否则取 Y-3 至 Y。",
                       "interpretations.b17_cagr_prior_years"),
        Interpretation("b17_includes_recertification", "B 第17条“当年通过认定”是否含重新认定？", True, (True,),
                       "原文未区分首次认定与重新认定，按字面含二者。（当前引擎只实现默认口径。）"),
        Interpretation("b25_interest_basis", "B 第25条“按上月1年期LPR的20%给予贴息”的计算基数？", "principal_one_year",
                       ("principal_one_year",),
                       "贴息额=贷款本金×上月1年期LPR×20%（按一年计息），LPR 取自参考数据文件；缺当月数据时不计算并提示。（当前引擎只实现默认口径。）"),
        Interpretation("b09_reference_date", "B 第9条按年度研发投入计算，用哪一天的参数？", "year_end", ("year_end",),
                       "研发投入以会计年度计，按该年 12 月 31 日有效的文件计算，故 2023 年度适用 B。（当前引擎只实现默认口径。）"),
    ]
}
