"""威政发〔2023〕5号 (document B), in force 2023-07-13 to 2028-07-12: one variable per provision, named by article."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import (
    Path,
    Rule,
    at_dates,
    in_force,
    rule_variables,
    txt,
    value_or_zero,
    year_end,
    yearly_cap,
)

B = "威政发〔2023〕5号"
#: 第14条 "经备案的技术开发、技术转让合同": contract types (registry subject codes) that qualify.
B14_CONTRACT_TYPES = ("tech_development", "tech_transfer")
#: Buyer-side events: "buyer", or blank for situations that do not say (the seller and registration rows never pay).
B14_BUYER_ROLES = ("buyer", "")
PLATFORM_CENTRES = ("key_laboratory", "technology_innovation_center", "clinical_research_center")


def _platform_path(kind, subject, level, role) -> list[tuple[np.ndarray, str]]:
    approval = kind == "platform_approval"
    lead = role == "lead"
    national, provincial, city = level == "national", level == "provincial", level == "city"
    centre = np.isin(subject, PLATFORM_CENTRES)
    return [
        (approval & (subject == "national_key_laboratory") & lead, "national_key_lab_lead"),
        (approval & (subject == "national_key_laboratory") & ~lead, "national_key_lab_participant"),
        (approval & np.isin(subject, ("technology_innovation_center", "clinical_research_center")) & national,
         "national_tic"),
        (approval & (subject == "innovation_community") & provincial, "provincial_community"),
        (approval & (subject == "manufacturing_innovation_center") & national & lead, "manufacturing_national"),
        (approval & (subject == "manufacturing_innovation_center") & provincial & lead, "manufacturing_provincial"),
        (approval & centre & provincial, "provincial_platform"),
        (approval & centre & city, "city_platform"),
    ]


class b01_platform_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获批创新平台奖励/补助（全国重点实验室、技术创新中心、临床医学研究中心、创新创业共同体、制造业创新中心）"
    reference = f"{B} 第1条"

    def formula(event, period, parameters):
        kind, subject = txt(event, "event_kind", period), txt(event, "event_subject", period)
        level, role, dates = txt(event, "event_level", period), txt(event, "event_role", period), event("event_date", period)
        out = np.zeros(len(dates))
        for mask, name in _platform_path(kind, subject, level, role):
            if mask.any():
                out = np.where(mask, value_or_zero(at_dates(parameters, dates, f"b.art_01.{name}")), out)
        return out


class b09_rd_growth_subsidy(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "研发投入递增补助（增量×5%，每家每年不超过100万元）"
    reference = f"{B} 第9条"

    def formula(org, period, parameters):
        day = year_end(period)  # interpretation b09_reference_date: parameters on 31 December of the year
        rate = at_dates(parameters, day, "b.art_09.rate")[0]
        if np.isnan(rate):
            return np.zeros(org.count)
        growth_min = at_dates(parameters, day, "b.art_09.growth_threshold")[0]
        increment_min = at_dates(parameters, day, "b.art_09.increment_threshold")[0]
        cap = at_dates(parameters, day, "b.art_09.cap")[0]
        now, before = org("rd_expense", period), org("rd_expense_prev", period)
        increment = now - before
        grows = (before > 0) & (increment >= growth_min * before)
        eligible = (org("org_is_enterprise", period) & org("above_designated_size", period) & org("rd_active", period)
                    & (org("is_high_tech_enterprise", period) | org("is_tech_sme", period)))
        return np.where(eligible & grows & (increment > increment_min), np.minimum(increment * rate, cap), 0.0)


class b14_contract_subsidy_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "技术合同购买方补助（单笔，未计年度上限）"
    reference = f"{B} 第14条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        rate = value_or_zero(at_dates(parameters, dates, "b.art_14.rate"))
        # 第14条: 我市科技型企业（买方）与高校院所在威开展的技术转移转化，经备案的技术开发、技术转让合同。
        buyer_tech = (event.organisation("is_tech_sme", period) | event.organisation("is_high_tech_enterprise", period))
        ok = ((txt(event, "event_kind", period) == "tech_contract") & event("event_is_enterprise", period)
              & np.isin(txt(event, "event_role", period), B14_BUYER_ROLES)
              & np.isin(txt(event, "event_subject", period), B14_CONTRACT_TYPES)
              & event("event_contract_registered", period) & buyer_tech
              & event("event_seller_is_institution", period) & event("event_seller_in_weihai", period))
        return np.where(ok, event("event_amount", period) * rate, 0.0)


class b14_contract_subsidy(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "技术合同购买方补助（支付金额×5%，每家每年不超过30万元）"
    reference = f"{B} 第14条"

    def formula(org, period, parameters):
        total = org.sum(org.members("b14_contract_subsidy_event", period))
        cap = at_dates(parameters, year_end(period), "b.art_14.cap")[0]
        if np.isnan(cap):  # year after B expired: the cap of the last year in force applies to remaining events
            cap = float(parameters("2028-07-12").b.art_14.cap)
        return np.minimum(total, cap)


class b17_hte_growth_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "当年通过认定的高新技术企业成长性奖励（近3年销售收入复合增长率≥10%，一次性5万元）"
    reference = f"{B} 第17条"

    def formula(org, period, parameters):
        dates = org("hte_certified_on", period)
        reward = value_or_zero(at_dates(parameters, dates, "b.art_17.reward"))
        threshold = value_or_zero(at_dates(parameters, dates, "b.art_17.cagr_threshold"))
        growth = org("hte_sales_cagr", period)
        ok = org("org_is_enterprise", period) & org("hte_certified", period) & (growth >= threshold - 1e-12)
        return np.where(ok & (reward > 0), reward, 0.0)


class hte_sales_cagr(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "近3年销售收入复合增长率（口径见解释 b17_cagr_prior_years）"
    reference = f"{B} 第17条"

    def formula(org, period, parameters):
        prior = bool(parameters(period.start).interpretations.b17_cagr_prior_years)
        start = org("sales_revenue_y3", period)
        end = org("sales_revenue_y1", period) if prior else org("sales_revenue_y0", period)
        years = 2.0 if prior else 3.0
        with np.errstate(divide="ignore", invalid="ignore"):
            cagr = np.where((start > 0) & (end > 0), (end / np.where(start > 0, start, 1.0)) ** (1 / years) - 1, -1.0)
        return cagr


class b22_national_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "第一完成单位获国家科学技术奖配套奖励（特等奖300万、一等奖200万、二等奖100万）"
    reference = f"{B} 第22条"

    def formula(event, period, parameters):
        return _national_award(event, period, parameters, "b.art_22")


class b22_provincial_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获省科学技术奖特等奖、一等奖、二等奖、青年奖，按省市1:1配套"
    reference = f"{B} 第22条"

    def formula(event, period, parameters):
        grades = ("special", "first", "second", "youth")
        return _provincial_award(event, period, parameters, "b.art_22", grades)


class b29_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "新获批国家级孵化器、大学科技园、专业化众创空间（不超过100万）及省级大学科技园（不超过50万）奖励"
    reference = f"{B} 第29条"

    def formula(event, period, parameters):
        kind, subject = txt(event, "event_kind", period), txt(event, "event_subject", period)
        level, dates = txt(event, "event_level", period), event("event_date", period)
        approval = kind == "platform_approval"
        national = approval & (level == "national") & np.isin(
            subject, ("incubator", "university_science_park", "makerspace"))
        provincial_park = approval & (level == "provincial") & (subject == "university_science_park")
        out = np.where(national, value_or_zero(at_dates(parameters, dates, "b.art_29.national_incubator")), 0.0)
        park = value_or_zero(at_dates(parameters, dates, "b.art_29.provincial_university_science_park"))
        return np.where(provincial_park, park, out)


def _national_award(event, period, parameters, node: str) -> np.ndarray:
    dates, grade = event("event_date", period), txt(event, "event_grade", period)
    ok = ((txt(event, "event_kind", period) == "award") & (txt(event, "event_subject", period) == "national_st_award")
          & (txt(event, "event_role", period) == "lead"))
    out = np.zeros(len(dates))
    for name in ("special", "first", "second"):
        mask = ok & (grade == name)
        if mask.any():
            out = np.where(mask, value_or_zero(at_dates(parameters, dates, f"{node}.national_award_{name}")), out)
    return out


def _provincial_award(event, period, parameters, node: str, grades: tuple[str, ...]) -> np.ndarray:
    dates = event("event_date", period)
    ok = ((txt(event, "event_kind", period) == "award") & (txt(event, "event_subject", period) == "provincial_st_award")
          & np.isin(txt(event, "event_grade", period), grades))
    ratio = value_or_zero(at_dates(parameters, dates, f"{node}.provincial_award_matching_ratio"))
    return np.where(ok, event("event_amount", period) * ratio, 0.0)


VARIABLES = [b01_platform_reward, b09_rd_growth_subsidy, b14_contract_subsidy_event, b14_contract_subsidy,
             hte_sales_cagr, b17_hte_growth_reward, b22_national_award_matching, b22_provincial_award_matching,
             b29_incubator_reward]


def _previous_month_start(dates: np.ndarray) -> np.ndarray:
    months = dates.astype("datetime64[M]") - np.timedelta64(1, "M")
    return months.astype("datetime64[D]")


class b25_ip_loan_lpr(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "贷款合同签订日上月的1年期LPR（%，缺数据为 NaN）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        return at_dates(parameters, _previous_month_start(event("event_date", period)), "reference.lpr_1y")


def _ip_item(event, period, parameters, subject: str, rate_path: str, base: np.ndarray | None = None) -> np.ndarray:
    dates = event("event_date", period)
    ok = ((txt(event, "event_kind", period) == "financing") & (txt(event, "event_subject", period) == subject)
          & event("event_is_enterprise", period))
    rate = value_or_zero(at_dates(parameters, dates, rate_path))
    amount = event("event_amount", period) if base is None else base
    return np.where(ok, amount * rate, 0.0)


class b25_ip_loan_interest_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "知识产权质押贷款贴息（单笔：贷款额×上月1年期LPR×20%，未计年度上限）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        lpr = value_or_zero(event("b25_ip_loan_lpr", period)) / 100
        return _ip_item(event, period, parameters, "ip_pledge_loan", "b.art_25.loan_interest_share",
                        event("event_amount", period) * lpr)


class b25_ip_evaluation_fee_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "知识产权评估费补贴（单笔：实际发生额×30%）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        return _ip_item(event, period, parameters, "ip_evaluation_fee", "b.art_25.evaluation_fee_rate")


class b25_ip_insurance_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "知识产权质押保险保费补贴（单笔：实际发生额×20%）"
    reference = f"{B} 第25条"

    def formula(event, period, parameters):
        return _ip_item(event, period, parameters, "ip_pledge_insurance", "b.art_25.insurance_rate")


def _capped(org, period, parameters, event_variable: str, cap_path: str) -> np.ndarray:
    total = org.sum(org.members(event_variable, period))
    cap = at_dates(parameters, year_end(period), cap_path)[0]
    if np.isnan(cap):  # the year B expires: the cap of its last day in force
        cap = at_dates(parameters, np.array(["2028-07-12"], dtype="datetime64[D]"), cap_path)[0]
    return np.minimum(total, cap)


class b25_ip_loan_interest(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "知识产权质押贷款贴息（年贴息额度最高20万元）"
    reference = f"{B} 第25条"

    def formula(org, period, parameters):
        return _capped(org, period, parameters, "b25_ip_loan_interest_event", "b.art_25.loan_interest_cap")


class b25_ip_evaluation_fee(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "知识产权评估费补贴（30%，最高5万元）"
    reference = f"{B} 第25条"

    def formula(org, period, parameters):
        return _capped(org, period, parameters, "b25_ip_evaluation_fee_event", "b.art_25.evaluation_fee_cap")


class b25_ip_insurance(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "知识产权质押保险保费补贴（20%，最高2万元）"
    reference = f"{B} 第25条"

    def formula(org, period, parameters):
        return _capped(org, period, parameters, "b25_ip_insurance_event", "b.art_25.insurance_cap")


class b29_brand_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "入选山东省品牌科技企业孵化器、品牌众创空间，一次性分别奖励10万元、5万元"
    reference = f"{B} 第29条"

    def formula(event, period, parameters):
        kind, subject, dates = txt(event, "event_kind", period), txt(event, "event_subject", period), event(
            "event_date", period)
        ok = kind == "certification"
        incubator = value_or_zero(at_dates(parameters, dates, "b.art_29.brand_incubator"))
        makerspace = value_or_zero(at_dates(parameters, dates, "b.art_29.brand_makerspace"))
        return np.where(ok & (subject == "brand_incubator"), incubator,
                        np.where(ok & (subject == "brand_makerspace"), makerspace, 0.0))


VARIABLES += [b29_brand_incubator_reward, b25_ip_loan_lpr, b25_ip_loan_interest_event, b25_ip_evaluation_fee_event, b25_ip_insurance_event,
              b25_ip_loan_interest, b25_ip_evaluation_fee, b25_ip_insurance]


def _fixed_event(event, period, parameters, kind: str, subject: str, path: str, level: str | None = None,
                 grade: str | None = None) -> np.ndarray:
    """A fixed amount for one kind of dated event (the parameter in force on the event date)."""
    ok = (txt(event, "event_kind", period) == kind) & (txt(event, "event_subject", period) == subject)
    if level is not None:
        ok = ok & (txt(event, "event_level", period) == level)
    if grade is not None:
        ok = ok & (txt(event, "event_grade", period) == grade)
    return np.where(ok, value_or_zero(at_dates(parameters, event("event_date", period), path)), 0.0)


class b05_agri_zone_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "农业科技园区升级为国家（500万元）或省（100万元）农业高新技术产业示范区，一次性奖励"
    reference = f"{B} 第5条"

    def formula(event, period, parameters):
        args = (event, period, parameters, "platform_approval", "agricultural_high_tech_zone")
        return (_fixed_event(*args, "b.art_05.agri_zone_national", level="national")
                + _fixed_event(*args, "b.art_05.agri_zone_provincial", level="provincial"))


class b16_contest_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "晋级中国创新创业大赛全国赛并获优秀企业称号，一次性奖励10万元"
    reference = f"{B} 第16条"

    def formula(event, period, parameters):
        amount = _fixed_event(event, period, parameters, "award", "china_innovation_contest_excellent",
                              "b.art_16.contest_excellent")
        return np.where(event("event_is_enterprise", period), amount, 0.0)


class b18_city_consortium_grant(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "通过备案的市级创新联合体补助10万元"
    reference = f"{B} 第18条"

    def formula(event, period, parameters):
        return _fixed_event(event, period, parameters, "platform_approval", "innovation_consortium",
                            "b.art_18.city_consortium", level="city")


class b21_foreign_expert_studio_grant(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "外国专家工作室建设期满考核评估优秀，一次性补助20万元"
    reference = f"{B} 第21条"

    def formula(event, period, parameters):
        return _fixed_event(event, period, parameters, "platform_evaluation", "foreign_expert_studio",
                            "b.art_21.foreign_expert_studio", grade="excellent")


VARIABLES += [b05_agri_zone_reward, b16_contest_reward, b18_city_consortium_grant, b21_foreign_expert_studio_grant]


# ---------------------------------------------------------------- table-driven provisions of B (see common.Rule)

ALL_KINDS = ("enterprise", "research_institution", "platform", "service_provider")
ENT_RES_PLAT = ("enterprise", "research_institution", "platform")
_B_RULES = [
    ("b04_new_rd_institution_ceiling", "新型研发机构绩效优秀、市外研发机构服务我市绩效突出补助（各不超过50万元）", 4, Rule((
        Path("b.art_04.city_new_rd_institution", "platform_evaluation", ("new_rd_institution",), levels=("city",),
             grades=("excellent",), org_kinds=ENT_RES_PLAT),
        Path("b.art_04.offsite_rd_institution", "platform_evaluation", ("offsite_rd_institution",),
             grades=("excellent",), org_kinds=("enterprise",)),
    ))),
    ("b07_open_challenge_project_ceiling", "“揭榜挂帅”“技术总师负责制”市级项目承担单位支持（不超过200万元）", 7, Rule((
        Path("b.art_07.open_challenge_project", "project", ("open_challenge_project", "chief_engineer_project"),
             levels=("city",)),
    ))),
    ("b11_joint_rd_institution_ceiling", "企业在驻威高校院所联合建设研发机构绩效评价补助（不超过50万元）", 11, Rule((
        Path("b.art_11.joint_rd_institution", "platform_evaluation", ("joint_rd_institution",), org_kinds=ENT_RES_PLAT),
    ))),
    ("b13_innovation_event_ceiling", "承办、协办市级以上科技合作交流及创新创业活动补助（不超过100万元）", 13, Rule((
        Path("b.art_13.innovation_event_host", "other", ("innovation_event_host",),
             levels=("city", "provincial", "national")),
    ), caveat="综合考虑绩效评价结果和实际支出情况确定")),
    ("b14_tech_transfer_agency_ceiling", "市级备案技术转移服务机构年度绩效优秀补助（每家不超过10万元）", 14, Rule((
        Path("b.art_14.tech_transfer_agency", "platform_evaluation", ("tech_transfer_agency",), levels=("city",),
             grades=("excellent",)),
    ), cap="b.art_14.tech_transfer_agency")),
    ("b15_startup_landing_ceiling", "通过科技交流合作活动落地的初创科技企业一次性补助（实物工作量≥100万元，不超过50万元）", 15, Rule((
        Path("b.art_15.startup_landing", "other", ("cooperation_event_startup",), org_kinds=("enterprise",),
             min_amount="b.art_15.startup_landing_min_investment"),
    ), base_label="实物工作量", caveat="需核实直接通过中韩创新大赛、中日科技创新合作大会等活动落地并持续正常经营")),
    ("b17_cultivation_agency_ceiling", "高新技术企业认定培育机构绩效评价奖励（不超过50万元）", 17, Rule((
        Path("b.art_17.cultivation_agency", "platform_evaluation", ("hte_cultivation_agency",)),
    ))),
    ("b18_consortium_project_ceiling", "创新联合体链条式、体系化科研攻关支持（不超过200万元）", 18, Rule((
        Path("b.art_18.consortium_project", "project", ("consortium_chain_project",), org_kinds=ENT_RES_PLAT),
    ))),
    ("b19_talent_service_fee_ceiling", "受委托开展人才、项目、技术双向对接的服务机构服务费用（不超过50万元）", 19, Rule((
        Path("b.art_19.talent_service_fee", "project", ("talent_service_commission",),
             org_kinds=("service_provider", "enterprise", "research_institution")),
    ))),
    ("b21_foreign_expert_station_ceiling", "外国专家驿站分站（海外联络站）考核评估优秀补助（不超过20万元）", 21, Rule((
        Path("b.art_21.foreign_expert_station_branch", "platform_evaluation", ("foreign_expert_station_branch",),
             grades=("excellent",)),
    ))),
    ("b23_transformation_loan_interest_ceiling", "科技成果转化贷款省级贴息（每家不超过50万元）", 23, Rule((
        Path("b.art_23.transformation_loan_interest", "financing", ("transformation_loan",),
             org_kinds=("enterprise",), quals=("is_tech_sme",), quals_label="国家科技型中小企业"),
    ), cap="b.art_23.transformation_loan_interest", caveat="省级贴息资金，市级负责落实；每家企业累计不超过 50 万元")),
    ("b24_chokepoint_project_ceiling", "“卡脖子”攻关项目财政“拨”款补助（不超过50万元）", 24, Rule((
        Path("b.art_24.chokepoint_project", "project", ("chokepoint_project",), org_kinds=("enterprise",),
             quals=("is_high_tech_enterprise",), quals_label="高新技术企业"),
    ))),
    ("b24_chokepoint_insurance_subsidy", "“卡脖子研发损失险”保费补贴（实际保费50%，上限20万元）", 24, Rule((
        Path("b.art_24.chokepoint_insurance_rate", "financing", ("chokepoint_rd_insurance",),
             org_kinds=("enterprise",), times_amount=True),
    ), cap="b.art_24.chokepoint_insurance_cap", base_label="实际支出保费")),
    ("b30_instrument_voucher_subsidy", "使用入网共享科研设施与仪器购买服务费用市级补助（20%）", 30, Rule((
        Path("b.art_30.instrument_voucher_rate", "other", ("shared_instrument_service",), org_kinds=("enterprise",),
             times_amount=True),
    ), base_label="购买服务费用", caveat="在省级创新券补助 40% 的基础上；需核实为中小微企业")),
    ("b31_pilot_base_ceiling", "市级以上备案中试示范基地年度绩效评价补助（不超过50万元）", 31, Rule((
        Path("b.art_31.pilot_base", "platform_evaluation", ("pilot_base",), levels=("city", "provincial", "national")),
    ), cap="b.art_31.pilot_base")),
    ("b32_science_popularization_ceiling", "科普成效好的单位补助（不超过10万元）", 32, Rule((
        Path("b.art_32.science_popularization", "other", ("science_popularization",)),
    ))),
]
for _name, _label, _art, _rule in _B_RULES:
    VARIABLES += rule_variables(_name, _label, f"{B} 第{_art}条", _rule)


class b27_tech_bank_loan_amount(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "科技支行贷款余额（符合条件的企业，B 在贷款日有效）"
    reference = f"{B} 第27条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        eligible = np.zeros(len(dates), dtype=bool)
        for name in ("is_tech_sme", "is_high_tech_enterprise", "is_leading_tech_enterprise", "is_specialised_sme"):
            eligible |= event.organisation(name, period)
        ok = ((txt(event, "event_kind", period) == "financing") & (txt(event, "event_subject", period) == "tech_bank_loan")
              & event("event_is_enterprise", period) & eligible & in_force(parameters, dates, "b.art_27.loan_cap"))
        return np.where(ok, event("event_amount", period), 0.0)


class b27_tech_bank_loan_interest_ceiling(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "科技支行贷款贴息上限（贴息贷款每年不超过3000万元，贴息不超过贷款余额的1%）"
    reference = f"{B} 第27条"

    def formula(org, period, parameters):
        total = org.sum(org.members("b27_tech_bank_loan_amount", period))
        loan_cap = yearly_cap(parameters, period, "b.art_27.loan_cap")
        rate = yearly_cap(parameters, period, "b.art_27.interest_cap_rate")
        return np.minimum(total, loan_cap) * rate


VARIABLES += [b27_tech_bank_loan_amount, b27_tech_bank_loan_interest_ceiling]
