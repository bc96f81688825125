"""What more than one article's rules use: the documents' numbers, organisation-kind groups and the formulas that
several articles share (an award by grade, a designation by level, a fixed amount for one kind of event, a yearly
count above a threshold). Inputs and the table-driven ``Rule`` machinery are in ``common``."""

from __future__ import annotations

import numpy as np

from policy_weihai.documents import DOCUMENTS  # noqa: E402 - the documents' numbers are stated once, there
from policy_weihai.variables.common import a_applies_where_b_silent, at_dates, txt, value_or_zero, year_end

A, B, D = (DOCUMENTS[code].number for code in ("A", "B", "D"))

#: Hosts of incubation carriers and university science parks (A 第12条, 第16条).
CARRIER_HOSTS = ("platform", "enterprise", "research_institution")
#: Enterprises, research institutions and platforms (B 第4条, 第11条, 第18条).
ENT_RES_PLAT = ("enterprise", "research_institution", "platform")


def national_award(event, period, parameters, node: str) -> np.ndarray:
    """National S&T award to the first completing unit, by grade, from ``node``.national_award_<grade>
    (A 第14条, B 第22条)."""
    dates, grade = event("event_date", period), txt(event, "event_grade", period)
    ok = ((txt(event, "event_kind", period) == "award") & (txt(event, "event_subject", period) == "national_st_award")
          & (txt(event, "event_role", period) == "lead"))
    out = np.zeros(len(dates))
    for name in ("special", "first", "second"):
        mask = ok & (grade == name)
        if mask.any():
            out = np.where(mask, value_or_zero(at_dates(parameters, dates, f"{node}.national_award_{name}")), out)
    return out


def provincial_award(event, period, parameters, node: str, grades: tuple[str, ...]) -> np.ndarray:
    """Provincial S&T award of one of ``grades``, matched at ``node``.provincial_award_matching_ratio
    (A 第14条, B 第22条)."""
    dates = event("event_date", period)
    ok = ((txt(event, "event_kind", period) == "award") & (txt(event, "event_subject", period) == "provincial_st_award")
          & np.isin(txt(event, "event_grade", period), grades))
    ratio = value_or_zero(at_dates(parameters, dates, f"{node}.provincial_award_matching_ratio"))
    return np.where(ok, event("event_amount", period) * ratio, 0.0)


def level_reward(event, period, parameters, subject: str, node: str) -> np.ndarray:
    """A national/provincial designation of ``subject`` paid from parameters ``node``.national/.provincial
    (A 第10条, 第15条)."""
    dates, level = event("event_date", period), txt(event, "event_level", period)
    ok = ((txt(event, "event_kind", period) == "platform_approval") & (txt(event, "event_subject", period) == subject)
          & a_applies_where_b_silent(parameters, dates))
    national = value_or_zero(at_dates(parameters, dates, f"{node}.national"))
    provincial = value_or_zero(at_dates(parameters, dates, f"{node}.provincial"))
    return np.where(ok & (level == "national"), national, np.where(ok & (level == "provincial"), provincial, 0.0))


def fixed_event(event, period, parameters, kind: str, subject: str, path: str, level: str | None = None,
                grade: str | None = None) -> np.ndarray:
    """A fixed amount for one kind of dated event (the parameter in force on the event date; B 第5、16、18、21条)."""
    ok = (txt(event, "event_kind", period) == kind) & (txt(event, "event_subject", period) == subject)
    if level is not None:
        ok = ok & (txt(event, "event_level", period) == level)
    if grade is not None:
        ok = ok & (txt(event, "event_grade", period) == grade)
    return np.where(ok, value_or_zero(at_dates(parameters, event("event_date", period), path)), 0.0)


def annual_count_reward(org, period, parameters, count: str, threshold: str, reward: str, strictly: bool):
    """An organisation-year reward for a count of the year at or above (or, ``strictly``, above) a threshold; A's
    parameters on 31 December, and during B only under a_survives_b (A 第14条, 第18条)."""
    day = year_end(period)
    limit, amount = at_dates(parameters, day, threshold)[0], at_dates(parameters, day, reward)[0]
    if np.isnan(limit) or np.isnan(amount) or not a_applies_where_b_silent(parameters, day)[0]:
        return np.zeros(org.count)
    n = org(count, period)
    return np.where(n > limit if strictly else n >= limit, amount, 0.0)
