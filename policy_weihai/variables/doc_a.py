"""威政发〔2018〕20号 (document A), in force from 2018-11-13, and its twin articles of 威政办字〔2018〕107号 (D).

Supersession: where B (2023-07-13 to 2028-07-12) restates a provision, an event dated while B is in force is paid
under B only; provisions B does not repeat follow the interpretation ``a_survives_b``.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation
from policy_weihai.variables.common import at_dates, in_force, txt, value_or_zero
from policy_weihai.variables.doc_b import _national_award, _provincial_award

A = "威政发〔2018〕20号"
D = "威政办字〔2018〕107号"


def _b_in_force(parameters, dates: np.ndarray) -> np.ndarray:
    return in_force(parameters, dates, "b.art_09.rate")


def _a_applies_where_b_silent(parameters, dates: np.ndarray) -> np.ndarray:
    """A provision B does not repeat: applies before B, after B, and during B only if a_survives_b."""
    survives = np.array([bool(parameters(str(d)).interpretations.a_survives_b) for d in dates.astype("datetime64[D]")],
                        dtype=bool) if len(dates) else np.zeros(0, dtype=bool)
    return ~_b_in_force(parameters, dates) | survives


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
