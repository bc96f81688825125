"""威政发〔2018〕20号 第14条: national and provincial S&T awards and the top science awards (B 第22条 restates them: not
applied while B is in force), patent volume and intellectual-property quality rewards (B is silent: a_survives_b)."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import Path, Rule, rule_variables
from policy_weihai.variables.shared import A, annual_count_reward, national_award, not_b, provincial_award


class a14_national_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "第一完成单位获国家科学技术奖配套奖励（特等奖200万、一等奖100万、二等奖50万）"
    reference = f"{A} 第14条"

    def formula(event, period, parameters):
        return national_award(event, period, parameters, "a.art_14", window=not_b)


class a14_provincial_award_matching(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获省科学技术奖一等奖、二等奖、三等奖，按省市1:1配套"
    reference = f"{A} 第14条"

    def formula(event, period, parameters):
        return provincial_award(event, period, parameters, "a.art_14", ("first", "second", "third"), window=not_b)


class a14_patent_volume_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "年获发明专利授权20件以上的单位，在原有政策资助基础上奖励20万元"
    reference = f"{A} 第14条"

    def formula(org, period, parameters):
        return annual_count_reward(org, period, parameters, "invention_patents_granted",
                                   "a.art_14.patent_volume_threshold", "a.art_14.patent_volume_reward", False)


VARIABLES: list[type] = [a14_national_award_matching, a14_provincial_award_matching, a14_patent_volume_reward]
VARIABLES += rule_variables(
    "a14_ip_quality_reward", "高质量专利、获奖专利、关键核心技术知识产权及知识产权示范/优势企业奖励", f"{A} 第14条",
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
               org_kinds=("enterprise",))), window="a_silent"))
# persons: the top science awards (to 2023-07-12; B 第22条 restates them while in force)
VARIABLES += rule_variables(
    "a14_top_science_award_person", "获得国家、省最高科学技术奖的个人配套奖励（500万元、200万元）", f"{A} 第14条",
    Rule((Path("a.art_14.top_award_national", "award", ("top_science_award",), levels=("national",),
               org_kinds=("person",)),
          Path("a.art_14.top_award_provincial", "award", ("top_science_award",), levels=("provincial",),
               org_kinds=("person",))), window="a_replaced"))
