"""威政发〔2018〕20号 (document A), in force from 2018-11-13, and its twin articles of 威政办字〔2018〕107号 (D).

Supersession: where B (2023-07-13 to 2028-07-12) restates a provision, an event dated while B is in force is paid
under B only; provisions B does not repeat follow the interpretation ``a_survives_b``.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import (
    Path,
    Rule,
    a_applies_where_b_silent,
    at_dates,
    b_in_force,
    rule_variables,
    txt,
    value_or_zero,
    year_end,
)
from policy_weihai.variables.doc_b import _national_award, _provincial_award

A = "威政发〔2018〕20号"
D = "威政办字〔2018〕107号"


_b_in_force = b_in_force
_a_applies_where_b_silent = a_applies_where_b_silent


class a05_tic_support(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "认定为国家级、省级技术创新中心，市级分别给予1000万元、500万元支持"
    reference = [f"{A} 第5条", f"{D} 二（四）1"]

    def formula(event, period, parameters):
        dates, level = event("event_date", period), txt(event, "event_level", period)
        ok = ((txt(event, "event_kind", period) == "platform_approval")
              & (txt(event, "event_subject", period) == "technology_innovation_center") & ~_b_in_force(parameters, dates))
        national = value_or_zero(at_dates(parameters, dates, "a.art_05.tic_national"))
        provincial = value_or_zero(at_dates(parameters, dates, "a.art_05.tic_provincial"))
        return np.where(ok & (level == "national"), national, np.where(ok & (level == "provincial"), provincial, 0.0))


class a07_hte_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "新认定高新技术企业奖励20万元，重新认定奖励10万元"
    reference = [f"{A} 第7条", f"{D} 二（四）4"]

    def formula(org, period, parameters):
        dates = org("hte_certified_on", period)
        first = value_or_zero(at_dates(parameters, dates, "a.art_07.hte_first"))
        again = value_or_zero(at_dates(parameters, dates, "a.art_07.hte_re"))
        amount = np.where(org("hte_first_certification", period), first, again)
        ok = org("hte_certified", period) & _a_applies_where_b_silent(parameters, dates)
        return np.where(ok, amount, 0.0)


class a14_national_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "第一完成单位获国家科学技术奖配套奖励（特等奖200万、一等奖100万、二等奖50万）"
    reference = f"{A} 第14条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        return np.where(_b_in_force(parameters, dates), 0.0, _national_award(event, period, parameters, "a.art_14"))


class a14_provincial_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获省科学技术奖一等奖、二等奖、三等奖，按省市1:1配套"
    reference = f"{A} 第14条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        amount = _provincial_award(event, period, parameters, "a.art_14", ("first", "second", "third"))
        return np.where(_b_in_force(parameters, dates), 0.0, amount)


class a16_national_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "认定为国家级科技企业孵化器、国家专业化众创空间，一次性奖励200万元"
    reference = [f"{A} 第16条", f"{D} 二（四）2"]

    def formula(event, period, parameters):
        dates = event("event_date", period)
        ok = ((txt(event, "event_kind", period) == "platform_approval") & (txt(event, "event_level", period) == "national")
              & np.isin(txt(event, "event_subject", period), ("incubator", "makerspace")) & ~_b_in_force(parameters, dates))
        return np.where(ok, value_or_zero(at_dates(parameters, dates, "a.art_16.national_incubator")), 0.0)


class a16_incubatee_upgrade_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "在孵企业升级为高新技术企业，每家给予孵化器10万元（单笔，未计年度上限）"
    reference = [f"{A} 第16条", f"{D} 二（四）2"]

    def formula(event, period, parameters):
        dates = event("event_date", period)
        ok = ((txt(event, "event_kind", period) == "certification") & (txt(event, "event_subject", period) == "incubatee_high_tech")
              & _a_applies_where_b_silent(parameters, dates))
        return np.where(ok, value_or_zero(at_dates(parameters, dates, "a.art_16.incubatee_upgrade_reward")), 0.0)


class a16_incubatee_upgrade_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "在孵企业升级高企奖励（每家10万元，每个孵化器每年最高100万元）"
    reference = [f"{A} 第16条", f"{D} 二（四）2"]

    def formula(org, period, parameters):
        total = org.sum(org.members("a16_incubatee_upgrade_event", period))
        cap = at_dates(parameters, np.array([f"{period.start.year}-12-31"], dtype="datetime64[D]"),
                       "a.art_16.incubatee_upgrade_cap")[0]
        return total if np.isnan(cap) else np.minimum(total, cap)


def _level_reward(event, period, parameters, subject: str, node: str) -> np.ndarray:
    """A national/provincial designation of ``subject`` paid from parameters ``node``.national/.provincial."""
    dates, level = event("event_date", period), txt(event, "event_level", period)
    ok = ((txt(event, "event_kind", period) == "platform_approval") & (txt(event, "event_subject", period) == subject)
          & _a_applies_where_b_silent(parameters, dates))
    national = value_or_zero(at_dates(parameters, dates, f"{node}.national"))
    provincial = value_or_zero(at_dates(parameters, dates, f"{node}.provincial"))
    return np.where(ok & (level == "national"), national, np.where(ok & (level == "provincial"), provincial, 0.0))


class a10_international_base_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "认定为国家级、省级国际合作基地，分别奖励100万元、50万元"
    reference = [f"{A} 第10条", f"{D} 二（四）1"]

    def formula(event, period, parameters):
        return _level_reward(event, period, parameters, "international_cooperation_base", "a.art_10")


class a15_tech_transfer_agency_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获得国家级、省级技术转移示范机构称号，分别奖励200万元、100万元"
    reference = [f"{A} 第15条", f"{D} 二（四）1"]

    def formula(event, period, parameters):
        return _level_reward(event, period, parameters, "tech_transfer_demo_agency", "a.art_15")


VARIABLES = [a10_international_base_reward, a15_tech_transfer_agency_reward, a05_tic_support, a07_hte_reward, a14_national_award_matching, a14_provincial_award_matching,
             a16_national_incubator_reward, a16_incubatee_upgrade_event, a16_incubatee_upgrade_reward]


# ---------------------------------------------------------------- table-driven provisions of A (see common.Rule)
#
# window "a_replaced": B restates the matter (new R&D institutions 第4条, platforms 第1条, 市外研发机构 第4条,
# incubators and university science parks 第29条, innovation activities 第13条, the contest 第16条), so A is not
# applied while B is in force. "a_silent": B does not touch it (patents, technology market awards, 星创天地,
# technology-advanced service enterprises, IP services), so interpretation a_survives_b decides.

ALL_KINDS = ("enterprise", "research_institution", "platform", "service_provider")
CARRIER_HOSTS = ("platform", "enterprise", "research_institution")
TEAMS = ("enterprise", "research_institution")
_A_RULES = [
    ("a05_new_rd_institution_ceiling", "高校院所、企业自行建设的新型研发机构择优支持（最高200万元）", [f"{A} 第5条", f"{D} 二（四）1"],
     Rule((Path("a.art_05.new_rd_institution", "platform_approval", ("new_rd_institution",),
                org_kinds=("research_institution", "enterprise", "platform")),),
          window="a_replaced", caveat="政府引进或参与建设的新型研发机构按共建协议“一事一议”，不适用本额度")),
    ("a05_city_tic_pilot_grant", "市级技术创新中心建设试点资金补助（企业牵头200万元、高校院所牵头300万元）",
     [f"{A} 第5条", f"{D} 二（四）1"],
     Rule((Path("a.art_05.city_tic_pilot_enterprise", "platform_approval", ("technology_innovation_center",),
                levels=("city",), role="lead", org_kinds=("enterprise",)),
           Path("a.art_05.city_tic_pilot_public", "platform_approval", ("technology_innovation_center",),
                levels=("city",), role="lead", org_kinds=("research_institution",))), window="a_replaced")),
    ("a05_clinical_center_grant", "市级临床医学研究中心首次通过绩效评价100万元、升级为省级以上200万元后补助", f"{A} 第5条",
     Rule((Path("a.art_05.clinical_first_evaluation", "platform_evaluation", ("clinical_research_center",),
                levels=("city",)),
           Path("a.art_05.clinical_upgrade", "platform_approval", ("clinical_research_center",),
                levels=("provincial", "national"))),
          window="a_replaced", caveat="绩效评价补助限首次通过；升级补助用于开展后续临床研究")),
    ("a10_overseas_rd_center_ceiling", "企业“走出去”建立研发中心等，依托单位择优补助（100万元）", [f"{A} 第10条", f"{D} 二（四）4"],
     Rule((Path("a.art_10.overseas_rd_center", "platform_approval", ("overseas_rd_center",),
                org_kinds=("enterprise", "service_provider")),), window="a_replaced")),
    ("a12_university_science_park_grant", "升级为省、国家大学科技园资金补助（100万元、300万元）", [f"{A} 第12条", f"{D} 二（四）2"],
     Rule((Path("a.art_12.provincial", "platform_approval", ("university_science_park",), levels=("provincial",),
                org_kinds=CARRIER_HOSTS),
           Path("a.art_12.national", "platform_approval", ("university_science_park",), levels=("national",),
                org_kinds=CARRIER_HOSTS)),
          window="a_replaced")),
    ("a14_ip_quality_reward", "高质量专利、获奖专利、关键核心技术知识产权及知识产权示范/优势企业奖励", f"{A} 第14条",
     Rule((Path("a.art_14.provincial_top50", "other", ("provincial_top50_invention_patents",), org_kinds=("enterprise",)),
           Path("a.art_14.china_patent_gold", "award", ("china_patent_gold_award",)),
           Path("a.art_14.china_design_gold", "award", ("china_design_gold_award",)),
           Path("a.art_14.china_patent_excellence", "award", ("china_patent_excellence_award",)),
           Path("a.art_14.shandong_patent_special", "award", ("shandong_patent_award",), grades=("special",)),
           Path("a.art_14.shandong_patent_first", "award", ("shandong_patent_award",), grades=("first",)),
           Path("a.art_14.shandong_patent_second", "award", ("shandong_patent_award",), grades=("second",)),
           Path("a.art_14.key_core_ip", "other", ("shandong_key_core_ip",)),
           Path("a.art_14.ip_demonstration_enterprise", "certification", ("national_ip_demonstration_enterprise",),
                org_kinds=("enterprise",)),
           Path("a.art_14.ip_advantage_enterprise", "certification", ("national_ip_advantage_enterprise",),
                org_kinds=("enterprise",))), window="a_silent")),
    ("a15_tech_market_award_reward", "获得国家、省技术市场奖励配套奖励（20万元、10万元）", [f"{A} 第15条", f"{D} 二（四）1"],
     Rule((Path("a.art_15.tech_market_national", "award", ("technology_market_award",), levels=("national",)),
           Path("a.art_15.tech_market_provincial", "award", ("technology_market_award",), levels=("provincial",))),
          window="a_silent")),
    ("a16_rural_makerspace_ceiling", "认定为星创天地择优奖励（100万元）", f"{A} 第16条",
     Rule((Path("a.art_16.rural_makerspace", "platform_approval", ("rural_makerspace",), org_kinds=CARRIER_HOSTS),),
          window="a_silent")),
    ("a16_brand_incubator_matching", "认定为山东省品牌科技企业孵化器和众创空间，按省拨资金1:1配套", [f"{A} 第16条", f"{D} 二（四）2"],
     Rule((Path("a.art_16.brand_matching_ratio", "certification", ("brand_incubator", "brand_makerspace"),
                org_kinds=CARRIER_HOSTS, times_amount=True),), window="a_replaced", base_label="省拨资金")),
    ("a16_innovation_event_ceiling", "举办、领办、协办市级以上创新创业活动一次性奖励（每年最高100万元）",
     [f"{A} 第16条", f"{D} 二（四）2"],
     Rule((Path("a.art_16.innovation_event", "other", ("innovation_event_host",),
                levels=("city", "provincial", "national")),), window="a_replaced", cap="a.art_16.innovation_event")),
    ("a16_contest_finalist_reward", "进入中国创新创业大赛全国行业总决赛的团队、项目奖励（10万元）", f"{A} 第16条",
     Rule((Path("a.art_16.contest_finalist", "award", ("china_innovation_contest_finalist",), org_kinds=TEAMS),),
          window="a_replaced")),
    ("a16_contest_prize_matching", "中国创新创业大赛获奖按国家、省、市1:1:1配套奖励", f"{A} 第16条",
     Rule((Path("a.art_16.contest_prize_matching_ratio", "award", ("china_innovation_contest_prize",),
                org_kinds=TEAMS, times_amount=True),), window="a_silent", base_label="国家级奖金")),
    ("a16_advanced_service_enterprise_reward", "经认定的技术先进型服务企业一次性奖励（20万元）", [f"{A} 第16条", f"{D} 二（四）4"],
     Rule((Path("a.art_16.advanced_service_enterprise", "certification", ("advanced_tech_service_enterprise",),
                org_kinds=("enterprise", "service_provider")),), window="a_silent")),
    ("a18_patent_operation_pilot_ceiling", "认定为国家专利运营试点的服务机构奖励（最高100万元）", [f"{A} 第18条", f"{D} 二（四）4"],
     Rule((Path("a.art_18.patent_operation_pilot", "certification", ("national_patent_operation_pilot",),
                org_kinds=("service_provider",)),), window="a_silent")),
    ("a18_patent_navigation_subsidy", "企业专利导航、绘制专利地图补助（实际费用50%，最高50万元）", f"{A} 第18条",
     Rule((Path("a.art_18.navigation_rate", "other", ("patent_navigation",), org_kinds=("enterprise",),
                times_amount=True),), window="a_silent", cap="a.art_18.navigation_cap", base_label="实际发生费用")),
]
for _name, _label, _reference, _rule in _A_RULES:
    VARIABLES += rule_variables(_name, _label, _reference, _rule)


def _annual_count_reward(org, period, parameters, count: str, threshold: str, reward: str, strictly: bool):
    """An organisation-year reward for a count of the year at or above (or, ``strictly``, above) a threshold; A's
    parameters on 31 December, and during B only under a_survives_b."""
    day = year_end(period)
    limit, amount = at_dates(parameters, day, threshold)[0], at_dates(parameters, day, reward)[0]
    if np.isnan(limit) or np.isnan(amount) or not a_applies_where_b_silent(parameters, day)[0]:
        return np.zeros(org.count)
    n = org(count, period)
    return np.where(n > limit if strictly else n >= limit, amount, 0.0)


class a14_patent_volume_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "年获发明专利授权20件以上的单位，在原有政策资助基础上奖励20万元"
    reference = f"{A} 第14条"

    def formula(org, period, parameters):
        return _annual_count_reward(org, period, parameters, "invention_patents_granted",
                                    "a.art_14.patent_volume_threshold", "a.art_14.patent_volume_reward", False)


class a18_ip_agency_volume_ceiling(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "在我市注册、年度代理市内发明专利授权超过100件的服务机构，最高奖励20万元"
    reference = [f"{A} 第18条", f"{D} 二（四）4"]

    def formula(org, period, parameters):
        amount = _annual_count_reward(org, period, parameters, "agency_invention_patents",
                                      "a.art_18.agency_patent_threshold", "a.art_18.agency_reward", True)
        return np.where(org("org_is_service_provider", period), amount, 0.0)


VARIABLES += [a14_patent_volume_reward, a18_ip_agency_volume_ceiling]
