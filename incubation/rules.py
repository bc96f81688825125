"""What A 第16条 says about incubatees that become high-tech enterprises, and the readings this app takes where the
text is silent (named interpretations, shown on the carrier page).

威政发〔2018〕20号 第16条: "对市级以上科技企业孵化器和众创空间，在孵企业在 3年孵化期内每成功升级 1家高新技术企业，
给予所在孵化器和众创空间 10万元奖励，每家每年最高奖励 100万元。" The amounts and the cap are parameters of the policy
engine (policy_weihai/parameters/a/art_16.yaml); this module only decides which certifications are qualifying events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings

from incubation.models import Stage

A16 = "威政发〔2018〕20号 第16条"
B29 = "威政发〔2023〕5号 第29条"
INCUBATION_YEARS = 3  # A 第16条 "3年孵化期"
#: The subject code the engine's a16_incubatee_upgrade_event reads.
UPGRADE_SUBJECT = "incubatee_high_tech"
SOURCE = "incubation"


@dataclass(frozen=True)
class Interpretation:
    name: str
    question: str
    reading: str


INTERPRETATIONS = [
    Interpretation(
        "a16_carrier_types", "A 第16条“市级以上科技企业孵化器和众创空间”包括哪些载体？",
        "科技企业孵化器、众创空间；星创天地（农业领域的众创空间）和大学科技园（A 第12条“纳入科技企业孵化器管理体系”）"
        "同样适用；加速器、产业园未被点名，不适用。"),
    Interpretation(
        "a16_period_from_entry", "“3年孵化期”从何时起算、止于何日？",
        "自入驻之日起算，止于满三年之日的前一日（如 2021-03-01 入驻，孵化期至 2024-02-28）；高新技术企业证书"
        "有效期起始日即“升级”之日，须在孵化期内且企业当日仍在孵；仅首次认定算“升级”，重新认定不算。"),
    Interpretation(
        "a16_move_continuous", "在孵企业在载体之间迁移（已登记迁移）后升级，奖励给谁？孵化期是否重新起算？",
        "奖励给升级之日企业“所在”的载体（文件原文“给予所在孵化器和众创空间”）；孵化期自企业首次入驻迁移链上第一个"
        "载体之日起连续计算，迁移不重新起算（否则企业可借迁移延长孵化期）。系统管理员可将此口径"
        "改为在新载体重新起算。"),
]


def eligible_stages() -> tuple[str, ...]:
    return (Stage.INCUBATOR, Stage.MAKERSPACE, Stage.RURAL_MAKERSPACE, Stage.UNIVERSITY_SCIENCE_PARK)


def period_restarts_on_move() -> bool:
    return bool(getattr(settings, "INCUBATION_PERIOD_RESTARTS_ON_MOVE", False))


def last_day_of_period(start: dt.date) -> dt.date:
    """The last day of the 3-year incubation period that starts on ``start`` (inclusive)."""
    return start + relativedelta(years=INCUBATION_YEARS) - dt.timedelta(days=1)


#: How far back (days) a carrier account may date a roster entry on its own; further back needs bureau approval.
BACKDATE_DAYS = 30


def backdate_days() -> int:
    """The back-dating window, ``settings.INCUBATION_BACKDATE_DAYS`` (default 30 days)."""
    return int(getattr(settings, "INCUBATION_BACKDATE_DAYS", BACKDATE_DAYS))


def earliest_own_date(today: dt.date | None = None) -> dt.date:
    """The earliest entry date a carrier account may record without bureau approval."""
    return (today or dt.date.today()) - dt.timedelta(days=backdate_days())
