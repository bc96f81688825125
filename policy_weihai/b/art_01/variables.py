"""威政发〔2023〕5号 第1条: innovation platforms — national key laboratories, technology innovation and clinical research
centres, innovation communities, manufacturing innovation centres, provincial and city centres."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import select
from policy_weihai.variables.shared import B, fixed_amounts

PLATFORM_CENTRES = ("key_laboratory", "technology_innovation_center", "clinical_research_center")


def _platform_paths(event, period) -> list[tuple[np.ndarray, str]]:
    """(events, parameter name) in order: where an event is in several, the last one's amount is paid."""
    def approval(subjects, levels=(), roles=()):
        return select(event, period, "platform_approval", subjects, levels=levels, roles=roles)

    key_lab = approval("national_key_laboratory")
    key_lab_lead = approval("national_key_laboratory", roles="lead")
    return [
        (key_lab_lead, "national_key_lab_lead"),
        (np.setdiff1d(key_lab, key_lab_lead, assume_unique=True), "national_key_lab_participant"),
        (approval(("technology_innovation_center", "clinical_research_center"), "national"), "national_tic"),
        (approval("innovation_community", "provincial"), "provincial_community"),
        (approval("manufacturing_innovation_center", "national", "lead"), "manufacturing_national"),
        (approval("manufacturing_innovation_center", "provincial", "lead"), "manufacturing_provincial"),
        (approval(PLATFORM_CENTRES, "provincial"), "provincial_platform"),
        (approval(PLATFORM_CENTRES, "city"), "city_platform"),
    ]


class b01_platform_reward(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "获批创新平台奖励/补助（全国重点实验室、技术创新中心、临床医学研究中心、创新创业共同体、制造业创新中心）"
    reference = f"{B} 第1条"

    def formula(event, period, parameters):
        parts = [(rows, f"b.art_01.{name}") for rows, name in _platform_paths(event, period)]
        return fixed_amounts(event, period, parameters, parts[::-1])


VARIABLES: list[type] = [b01_platform_reward]
