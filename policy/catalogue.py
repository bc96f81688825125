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
