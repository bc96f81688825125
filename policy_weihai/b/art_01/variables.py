"""威政发〔2023〕5号 第1条: innovation platforms — national key laboratories, technology innovation and clinical research
centres, innovation communities, manufacturing innovation centres, provincial and city centres."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import at_dates, txt, value_or_zero
from policy_weihai.variables.shared import B

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


VARIABLES: list[type] = [b01_platform_reward]
