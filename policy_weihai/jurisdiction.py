"""The Weihai policy package as the platform sees it (``policy.jurisdiction.Jurisdiction``).

The provisions are gathered from the article modules (``policy_weihai/<doc>/art_NN/__init__.py``: catalogue entry and
explanation beside the article's parameters, rules and tests), in the catalogue's reading order.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from policy.jurisdiction import Interpretation, Jurisdiction, Provision
from policy_weihai.documents import DOCUMENTS, B

#: The catalogue's reading order (the order results are listed in); an article's new provision is added here.
ORDER = (
    "A.05.tic_support", "A.07.hte_reward", "A.14.national_award_matching", "A.14.provincial_award_matching",
    "A.16.national_incubator_reward", "A.16.incubatee_upgrade_reward", "B.01.platform_reward",
    "B.01.platform_ceiling", "B.09.rd_growth_subsidy", "B.14.contract_subsidy", "B.17.hte_growth_reward",
    "B.22.national_award_matching", "B.22.provincial_award_matching", "B.29.incubator_reward",
    "B.25.ip_loan_interest", "B.25.ip_evaluation_fee", "B.25.ip_insurance", "A.10.international_base_reward",
    "A.15.tech_transfer_agency_reward", "B.29.brand_incubator_reward", "B.05.agri_zone_reward", "B.16.contest_reward",
    "B.18.city_consortium_grant", "B.21.foreign_expert_studio_grant", "B.04.new_rd_institution_ceiling",
    "B.07.open_challenge_project_ceiling", "B.11.joint_rd_institution_ceiling", "B.13.innovation_event_ceiling",
    "B.14.tech_transfer_agency_ceiling", "B.15.startup_landing_ceiling", "B.17.cultivation_agency_ceiling",
    "B.18.consortium_project_ceiling", "B.19.talent_service_fee_ceiling", "B.21.foreign_expert_station_ceiling",
    "B.23.transformation_loan_interest_ceiling", "B.24.chokepoint_project_ceiling",
    "B.24.chokepoint_insurance_subsidy", "B.27.tech_bank_loan_interest_ceiling", "B.30.instrument_voucher_subsidy",
    "B.31.pilot_base_ceiling", "B.32.science_popularization_ceiling", "A.05.new_rd_institution_ceiling",
    "A.05.city_tic_pilot_grant", "A.05.clinical_center_grant", "A.10.overseas_rd_center_ceiling",
    "A.12.university_science_park_grant", "A.14.patent_volume_reward", "A.14.ip_quality_reward",
    "A.15.tech_market_award_reward", "A.16.rural_makerspace_ceiling", "A.16.brand_incubator_matching",
    "A.16.innovation_event_ceiling", "A.16.contest_finalist_reward", "A.16.contest_prize_matching",
    "A.16.advanced_service_enterprise_reward", "A.18.ip_agency_volume_ceiling", "A.18.patent_operation_pilot_ceiling",
    "A.18.patent_navigation_subsidy", "A.19.risk_compensation", "B.24.chokepoint_loan_risk_ceiling",
    "A.08.industrial_base_matching", "A.20.innovative_county_reward", "A.22.hightech_zone_ranking_reward",
    "A.14.top_science_award_person", "B.22.top_science_award_person",
)


def article_modules() -> list[str]:
    """Every article package ``policy_weihai.<doc>.art_NN`` (documents with rules: a, b)."""
    names = []
    for doc in ("a", "b"):
        package = importlib.import_module(f"policy_weihai.{doc}")
        names += [f"policy_weihai.{doc}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
                  if m.name.startswith("art_")]
    return sorted(names)


def provisions() -> list[Provision]:
    found: dict[str, Provision] = {}
    for name in article_modules():
        for p in getattr(importlib.import_module(name), "PROVISIONS", []):
            if p.id in found:
                raise ValueError(f"provision {p.id} declared twice ({name})")
            found[p.id] = p
    missing = set(found) - set(ORDER)
    if missing:
        raise ValueError(f"provisions not in policy_weihai.jurisdiction.ORDER: {sorted(missing)}")
    return [found[pid] for pid in ORDER if pid in found]


INTERPRETATIONS: dict[str, Interpretation] = {
    i.name: i for i in [
        Interpretation("a_survives_b", f"B 未重复也未改变的 A 条款，在 {B.window_from} 后是否继续适用？", True, (True, False),
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

EVENT_NAMES = {"technology_innovation_center": "技术创新中心", "clinical_research_center": "临床医学研究中心",
               "key_laboratory": "重点实验室", "national_key_laboratory": "全国重点实验室",
               "innovation_community": "创新创业共同体", "manufacturing_innovation_center": "制造业创新中心",
               "incubator": "科技企业孵化器", "makerspace": "专业化众创空间", "university_science_park": "大学科技园",
               "national_st_award": "国家科学技术奖", "provincial_st_award": "省科学技术奖",
               "incubatee_high_tech": "在孵企业升级高新技术企业", "agricultural_high_tech_zone": "农业高新技术产业示范区",
               "china_innovation_contest_excellent": "中国创新创业大赛全国赛优秀企业", "innovation_consortium": "创新联合体",
               "foreign_expert_studio": "外国专家工作室（考核优秀）", "international_cooperation_base": "国际合作基地",
               "tech_transfer_demo_agency": "技术转移示范机构", "brand_incubator": "山东省品牌科技企业孵化器",
               "brand_makerspace": "山东省品牌众创空间", "new_rd_institution": "新型研发机构",
               "offsite_rd_institution": "市外研发机构（人才飞地）", "open_challenge_project": "揭榜挂帅项目",
               "chief_engineer_project": "技术总师负责制项目", "joint_rd_institution": "驻威高校院所联合研发机构",
               "innovation_event_host": "科技合作交流/创新创业活动（承办、协办）", "tech_transfer_agency": "技术转移服务机构",
               "cooperation_event_startup": "科技交流合作活动落地企业", "hte_cultivation_agency": "高企认定培育机构",
               "consortium_chain_project": "创新联合体链条式科研攻关项目", "talent_service_commission": "人才项目技术双向对接委托服务",
               "foreign_expert_station_branch": "外国专家驿站分站（海外联络站）", "transformation_loan": "科技成果转化贷款",
               "chokepoint_project": "“卡脖子”攻关项目", "chokepoint_rd_insurance": "“卡脖子研发损失险”",
               "tech_bank_loan": "科技支行贷款", "shared_instrument_service": "共享科研仪器购买服务",
               "pilot_base": "中试示范基地", "science_popularization": "科普活动（成效好）",
               "risk_compensation_loss": "备案贷款损失（风险补偿）", "chokepoint_loan_new_balance": "当年新增“卡脖子攻关贷”",
               "hightech_zone_ranking_advance": "高新区全国排名位次前移", "innovative_town": "创新型乡镇",
               "national_innovative_county": "国家创新型县（市）", "national_innovative_cluster": "国家创新型产业集群",
               "national_industrialisation_base": "国家高新技术产业化基地",
               "national_innovation_carrier": "国家创新创业特色载体", "national_torch_base": "国家火炬特色产业基地",
               "top_science_award": "最高科学技术奖",
               "overseas_rd_center": "境外研发中心/联合实验室", "rural_makerspace": "星创天地",
               "china_innovation_contest_finalist": "中国创新创业大赛全国行业总决赛",
               "china_innovation_contest_prize": "中国创新创业大赛获奖", "advanced_tech_service_enterprise": "技术先进型服务企业",
               "provincial_top50_invention_patents": "发明专利授权量全省五十强", "china_patent_gold_award": "中国专利金奖",
               "china_design_gold_award": "中国外观设计金奖", "china_patent_excellence_award": "中国专利奖优秀奖",
               "shandong_patent_award": "山东省专利奖", "shandong_key_core_ip": "山东省百项关键核心技术知识产权",
               "national_ip_demonstration_enterprise": "国家知识产权示范企业",
               "national_ip_advantage_enterprise": "国家知识产权优势企业", "technology_market_award": "技术市场奖励",
               "national_patent_operation_pilot": "国家专利运营试点", "patent_navigation": "专利导航/专利地图"}

#: Provision → an example answer of the public calculator's form under which it applies (walked by
#: screening/tests/test_calculator.py).
CALCULATOR_EXAMPLES = {
    "A.07.hte_reward": {"year": 2025, "newly_certified": ["high_tech_enterprise"], "certified_on": "2025-11-10"},
    "B.17.hte_growth_reward": {"year": 2025, "newly_certified": ["high_tech_enterprise"], "certified_on": "2025-11-10",
                               "sales_revenue": "30000000", "sales_revenue_prev": "26000000",
                               "sales_revenue_3y": "20000000"},
    "B.09.rd_growth_subsidy": {"year": 2025, "qualifications": ["high_tech_enterprise", "above_designated_size"],
                               "rd_expense": "6000000", "rd_expense_prev": "4500000", "sales_revenue": "80000000"},
    "B.01.platform_reward": {"year": 2025, "platform_type": "national_key_laboratory", "platform_level": "national",
                             "platform_approved_on": "2025-05-10", "platform_role": "lead"},
    "B.01.platform_ceiling": {"year": 2025, "platform_type": "key_laboratory", "platform_level": "provincial",
                              "platform_approved_on": "2025-05-10", "platform_role": "lead"},
    "A.05.tic_support": {"year": 2022, "platform_type": "technology_innovation_center", "platform_level": "provincial",
                         "platform_approved_on": "2022-06-01", "platform_role": "lead"},
    "A.16.national_incubator_reward": {"year": 2022, "platform_type": "incubator", "platform_level": "national",
                                       "platform_approved_on": "2022-06-01", "platform_role": "lead"},
    "B.29.incubator_reward": {"year": 2025, "platform_type": "incubator", "platform_level": "national",
                              "platform_approved_on": "2025-06-01", "platform_role": "lead"},
    "A.10.international_base_reward": {"year": 2022, "platform_type": "international_cooperation_base",
                                       "platform_level": "provincial", "platform_approved_on": "2022-06-01",
                                       "platform_role": "lead"},
    "A.15.tech_transfer_agency_reward": {"year": 2022, "platform_type": "tech_transfer_demo_agency",
                                         "platform_level": "national", "platform_approved_on": "2022-06-01",
                                         "platform_role": "lead"},
}


#: The plans' targets (C's indicator table, the numeric targets of A, C, D, E), read by the ``indicators`` app.
INDICATORS = Path(__file__).resolve().parent / "indicators.yaml"


def vocabulary() -> dict[str, dict[str, str]]:
    """The codes situations may name (policy.services refuses any other, listing these)."""
    from policy_weihai.b.art_14 import TYPE_NAMES
    from policy_weihai.variables.common import RULES
    from policy_weihai.variables.sme import SECTORS, SIZES

    subjects = {**EVENT_NAMES, **TYPE_NAMES, **FINANCE_SUBJECTS, "other": "其他事项"}
    for rule in RULES.values():
        for path in rule.paths:
            subjects.update({s: EVENT_NAMES.get(s, "") for s in path.subjects if s not in subjects})
    for p in provisions():
        for _, listed in getattr(p.explanation, "events", ()) or ():
            subjects.update({s: "" for s in listed or () if s not in subjects})
    return {"industry_sector": dict(SECTORS), "sme_size": {code: name for code, (_, name) in SIZES.items()},
            "subject": dict(sorted(subjects.items())),
            "role": {"lead": "牵头/第一完成单位", "participant": "参与单位", "host": "承办", "co_host": "协办",
                     "buyer": "技术合同买方", "seller": "技术合同卖方", "registration": "技术合同登记（登记机构）"},
            "seller_located": {"local": "在本市（在威）", "outside_jurisdiction": "本市以外"},
            "seller_kind": {"research_institution": "高校院所", "enterprise": "企业", "platform": "创新平台/载体",
                            "service_provider": "科技服务机构", "person": "个人"},
            "certification": {"first_certification": "首次认定", "recertification": "重新认定"}}


#: 融资事件 subjects the finance provisions read (B 第23–27条, A 第19条).
FINANCE_SUBJECTS = {"ip_pledge_loan": "知识产权质押贷款", "ip_evaluation_fee": "知识产权评估费",
                    "ip_pledge_insurance": "知识产权质押保险", "tech_bank_loan": "科技支行贷款"}


def _build() -> Jurisdiction:
    import policy_weihai.variables  # noqa: F401 - declares the rule tables (RULES)
    from policy_weihai.reference import REFERENCE, REFERENCE_TABLES
    from policy_weihai.system import build_system
    from policy_weihai.variables.common import RULES, at_dates, window_ok
    from policy_weihai.vouchers import VOUCHER_BASIS, VOUCHER_RULES

    return Jurisdiction(
        name="policy_weihai", label="威海市", platform_title="威海市科技创新政策平台", authority="威海市科学技术局",
        documents=DOCUMENTS, provisions=provisions(), interpretations=INTERPRETATIONS, build_system=build_system,
        rules=RULES, window_ok=window_ok,
        helper_variables=frozenset({"hte_sales_cagr", "b14_contract_subsidy_event", "a16_incubatee_upgrade_event",
                                    "b25_ip_loan_lpr", "b27_tech_bank_loan_amount", "b25_ip_loan_interest_event",
                                    "b25_ip_evaluation_fee_event", "b25_ip_insurance_event"}),
        event_names=EVENT_NAMES, calculator_examples=CALCULATOR_EXAMPLES, parameter_at=at_dates, reference=REFERENCE,
        reference_tables=REFERENCE_TABLES, indicator_catalogue=INDICATORS, voucher_rules=VOUCHER_RULES,
        voucher_basis=VOUCHER_BASIS, vocabulary=vocabulary(),
        coverage_note="《威海市“十四五”科技创新规划》只设目标与管理要求，无自身兑现金额。")


JURISDICTION = _build()
