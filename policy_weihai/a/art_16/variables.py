"""威政发〔2018〕20号 第16条 (and 威政办字〔2018〕107号 二（四）2、4): incubators, makerspaces, innovation events, the
innovation contest and technology-advanced service enterprises.

Window "a_replaced" where B restates the matter (national incubators and brand incubators 第29条, innovation events
第13条, the contest 第16条); "a_silent" where B is silent (在孵企业升级, 星创天地, contest prizes, 技术先进型服务企业)."""

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
    remember_support,
    rule_variables,
    select,
    sum_events,
)
from policy_weihai.variables.shared import CARRIER_HOSTS, A, D, fixed_amounts, not_b

TEAMS = ("enterprise", "research_institution")


class a16_national_incubator_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "认定为国家级科技企业孵化器、国家专业化众创空间，一次性奖励200万元"
    reference = [f"{A} 第16条", f"{D} 二（四）2"]

    def formula(event, period, parameters):
        rows = select(event, period, "platform_approval", ("incubator", "makerspace"), levels="national")
        return fixed_amounts(event, period, parameters, [(rows, "a.art_16.national_incubator")], window=not_b)


class a16_incubatee_upgrade_event(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "在孵企业升级为高新技术企业，每家给予孵化器10万元（单笔，未计年度上限）"
    reference = [f"{A} 第16条", f"{D} 二（四）2"]

    def formula(event, period, parameters):
        rows = select(event, period, "certification", "incubatee_high_tech")
        out = fixed_amounts(event, period, parameters, [(rows, "a.art_16.incubatee_upgrade_reward")],
                            window=a_applies_where_b_silent)
        return remember_support(event, period, "a16_incubatee_upgrade_event", out, rows)


class a16_incubatee_upgrade_reward(Variable):
    value_type = float
    entity = Organisation
    definition_period = YEAR
    label = "在孵企业升级高企奖励（每家10万元，每个孵化器每年最高100万元）"
    reference = [f"{A} 第16条", f"{D} 二（四）2"]

    def formula(org, period, parameters):
        total = sum_events(org, "a16_incubatee_upgrade_event", period)
        cap = at_dates(parameters, np.array([f"{period.start.year}-12-31"], dtype="datetime64[D]"),
                       "a.art_16.incubatee_upgrade_cap")[0]
        return total if np.isnan(cap) else np.minimum(total, cap)


VARIABLES: list[type] = [a16_national_incubator_reward, a16_incubatee_upgrade_event, a16_incubatee_upgrade_reward]
VARIABLES += rule_variables(
    "a16_rural_makerspace_ceiling", "认定为星创天地择优奖励（100万元）", f"{A} 第16条",
    Rule((Path("a.art_16.rural_makerspace", "platform_approval", ("rural_makerspace",), org_kinds=CARRIER_HOSTS),),
         window="a_silent"))
VARIABLES += rule_variables(
    "a16_brand_incubator_matching", "认定为山东省品牌科技企业孵化器和众创空间，按省拨资金1:1配套", [f"{A} 第16条", f"{D} 二（四）2"],
    Rule((Path("a.art_16.brand_matching_ratio", "certification", ("brand_incubator", "brand_makerspace"),
               org_kinds=CARRIER_HOSTS, times_amount=True),), window="a_replaced", base_label="省拨资金"))
VARIABLES += rule_variables(
    "a16_innovation_event_ceiling", "举办、领办、协办市级以上创新创业活动一次性奖励（每年最高100万元）",
    [f"{A} 第16条", f"{D} 二（四）2"],
    Rule((Path("a.art_16.innovation_event", "other", ("innovation_event_host",),
               levels=("city", "provincial", "national")),), window="a_replaced", cap="a.art_16.innovation_event"))
VARIABLES += rule_variables(
    "a16_contest_finalist_reward", "进入中国创新创业大赛全国行业总决赛的团队、项目奖励（10万元）", f"{A} 第16条",
    Rule((Path("a.art_16.contest_finalist", "award", ("china_innovation_contest_finalist",), org_kinds=TEAMS),),
         window="a_replaced"))
VARIABLES += rule_variables(
    "a16_contest_prize_matching", "中国创新创业大赛获奖按国家、省、市1:1:1配套奖励", f"{A} 第16条",
    Rule((Path("a.art_16.contest_prize_matching_ratio", "award", ("china_innovation_contest_prize",),
               org_kinds=TEAMS, times_amount=True),), window="a_silent", base_label="国家级奖金"))
VARIABLES += rule_variables(
    "a16_advanced_service_enterprise_reward", "经认定的技术先进型服务企业一次性奖励（20万元）", [f"{A} 第16条", f"{D} 二（四）4"],
    Rule((Path("a.art_16.advanced_service_enterprise", "certification", ("advanced_tech_service_enterprise",),
               org_kinds=("enterprise", "service_provider")),), window="a_silent"))
