"""What more than one article's rules use: the documents' numbers, organisation-kind groups and the formulas that
several articles share (an award by grade, a designation by level, a fixed amount for one kind of event, a yearly
count above a threshold). Inputs and the table-driven ``Rule`` machinery are in ``common``."""

from __future__ import annotations

import numpy as np

from policy_weihai.documents import DOCUMENTS  # noqa: E402 - the documents' numbers are stated once, there
from policy_weihai.variables.common import (
    a_applies_where_b_silent,
    at_dates,
    b_in_force,
    scattered,
    select,
    value_or_zero,
    year_end,
)

A, B, D = (DOCUMENTS[code].number for code in ("A", "B", "D"))

#: Hosts of incubation carriers and university science parks (A 第12条, 第16条).
CARRIER_HOSTS = ("platform", "enterprise", "research_institution")
#: Enterprises, research institutions and platforms (B 第4条, 第11条, 第18条).
ENT_RES_PLAT = ("enterprise", "research_institution", "platform")


def keep(event, name: str, period, rows: np.ndarray) -> np.ndarray:
    """The events ``rows`` for which event boolean ``name`` is true."""
    return rows[event(name, period)[rows]] if len(rows) else rows


def dated_amounts(event, period, parameters, rows: np.ndarray, path: str, window=None) -> np.ndarray:
    """Parameter ``path`` in force at each event date of ``rows`` (0 where not in force, or where ``window``, a
    function of the parameters and the dates, says no)."""
    dates = event("event_date", period)[rows]
    values = value_or_zero(at_dates(parameters, dates, path))
    return values if window is None else np.where(window(parameters, dates), values, 0.0)


def fixed_amounts(event, period, parameters, parts, window=None) -> np.ndarray:
    """Per event: the parameter of the first of ``parts`` ((rows, path), …) whose rows hold the event, 0 elsewhere."""
    out = np.zeros(event.count)
    for rows, path in reversed(parts):
        if len(rows):
            out[rows] = dated_amounts(event, period, parameters, rows, path, window)
    return out


def not_b(parameters, dates: np.ndarray) -> np.ndarray:
    """A window: the dates on which B is not in force (A's provisions that B restates)."""
    return ~b_in_force(parameters, dates)


def national_award(event, period, parameters, node: str, window=None) -> np.ndarray:
    """National S&T award to the first completing unit, by grade, from ``node``.national_award_<grade>
    (A 第14条, B 第22条); ``window`` as in ``dated_amounts``."""
    parts = [(select(event, period, "award", "national_st_award", grades=name, roles="lead"),
              f"{node}.national_award_{name}") for name in ("special", "first", "second")]
    return fixed_amounts(event, period, parameters, parts, window)


def provincial_award(event, period, parameters, node: str, grades: tuple[str, ...], window=None) -> np.ndarray:
    """Provincial S&T award of one of ``grades``, matched at ``node``.provincial_award_matching_ratio
    (A 第14条, B 第22条)."""
    rows = select(event, period, "award", "provincial_st_award", grades=grades)
    if not len(rows):
        return np.zeros(event.count)
    ratio = dated_amounts(event, period, parameters, rows, f"{node}.provincial_award_matching_ratio")
    amount = event("event_amount", period)[rows] * ratio
    if window is not None:
        amount = np.where(window(parameters, event("event_date", period)[rows]), amount, 0.0)
    return scattered(event.count, rows, amount)


def level_reward(event, period, parameters, subject: str, node: str, window=a_applies_where_b_silent) -> np.ndarray:
    """A national/provincial designation of ``subject`` paid from parameters ``node``.national/.provincial
    (A 第10条, 第15条)."""
    parts = [(select(event, period, "platform_approval", subject, levels=level), f"{node}.{level}")
             for level in ("national", "provincial")]
    return fixed_amounts(event, period, parameters, parts, window)


def fixed_event(event, period, parameters, kind: str, subject: str, path: str, level: str | None = None,
                grade: str | None = None, enterprise: bool = False) -> np.ndarray:
    """A fixed amount for one kind of dated event (the parameter in force on the event date; B 第5、16、18、21条);
    ``enterprise``: only events of enterprises."""
    rows = select(event, period, kind, subject, levels=level or (), grades=grade or ())
    if enterprise:
        rows = keep(event, "event_is_enterprise", period, rows)
    return fixed_amounts(event, period, parameters, [(rows, path)])


def annual_count_reward(org, period, parameters, count: str, threshold: str, reward: str, strictly: bool):
    """An organisation-year reward for a count of the year at or above (or, ``strictly``, above) a threshold; A's
    parameters on 31 December, and during B only under a_survives_b (A 第14条, 第18条)."""
    day = year_end(period)
    limit, amount = at_dates(parameters, day, threshold)[0], at_dates(parameters, day, reward)[0]
    if np.isnan(limit) or np.isnan(amount) or not a_applies_where_b_silent(parameters, day)[0]:
        return np.zeros(org.count)
    n = org(count, period)
    return np.where(n > limit if strictly else n >= limit, amount, 0.0)
