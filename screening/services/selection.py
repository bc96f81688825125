"""Who may screen, which organisations a run covers, and the bad-input error every part raises."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import access
from registry.models import Organization
from screening.models import ScreeningRun

BATCH_SIZE = int(os.environ.get("KECHUANG_SCREENING_BATCH", "10000"))
#: A running run beats every HEARTBEAT_EVERY (a thread of the worker, also during a long batch); one whose
#: heartbeat is older than STALE_AFTER is taken to be orphaned by a dead worker and is resumed (issue 12: < 30 s).
HEARTBEAT_EVERY = dt.timedelta(seconds=float(os.environ.get("KECHUANG_SCREENING_HEARTBEAT_S", "5")))
STALE_AFTER = dt.timedelta(seconds=float(os.environ.get("KECHUANG_SCREENING_STALE_S", "15")))
ANY_PROVISION = "__any__"  # what-if aggregate row counting distinct beneficiaries (an entity with any provision)
EMPTY_SELECTION = "所选范围内没有主体"


class ScreeningInputError(ValueError):
    """Bad input from a person: the message (Chinese) names the field and the fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# --------------------------------------------------------------------------------------------------------------
# Who may do what


def can_screen(user: Any) -> bool:
    return access.is_staff_reader(user)


def visible_runs(user: Any) -> QuerySet[ScreeningRun]:
    """Bureau and finance staff see every run; district staff the runs over their own region."""
    qs = ScreeningRun.objects.select_related("region", "industry_chain", "created_by")
    if not can_screen(user):
        return qs.none()
    if user.is_bureau or user.role == "finance":
        return qs
    return qs.filter(scope=ScreeningRun.Scope.REGION, region_id__in=access.user_region_ids(user))


# --------------------------------------------------------------------------------------------------------------
# Selection


def _region_q(region_id: int) -> Q:
    return Q(region_id=region_id) | Q(region__parent_id=region_id)


def selection(run: ScreeningRun) -> QuerySet[Organization]:
    """The organisations a run covers (all kinds: enterprises, institutions, platforms, service providers)."""
    qs = Organization.objects.all()
    if run.scope == ScreeningRun.Scope.REGION:
        qs = qs.filter(_region_q(run.region_id))
    elif run.scope == ScreeningRun.Scope.CHAIN:
        qs = qs.filter(industry_chain_id=run.industry_chain_id)
    elif run.scope == ScreeningRun.Scope.LIST:
        qs = qs.filter(id__in=[int(i) for i in run.organization_ids])
    return qs


def parse_id_list(text: str) -> list[int]:
    """Organisation ids from a pasted list (commas, spaces or new lines)."""
    ids: list[int] = []
    for token in text.replace("，", ",").replace(",", " ").split():
        if not token.isdigit():
            raise ScreeningInputError(f"主体清单中“{token}”不是主体编号，请只填写数字编号，用逗号或换行分隔。", "organization_ids")
        ids.append(int(token))
    return ids


def resolve_organizations(text: str) -> list[int]:
    """The organisations a person listed by name or unified social credit code (one a line, or separated by commas
    or semicolons), looked up in one query; an entry the registry does not hold is refused, named."""
    import re

    entries = [e.strip() for e in re.split(r"[\n\r,，;；、]+", text or "") if e.strip()]
    if not entries:
        return []
    found: dict[str, int] = {}
    for pk, name, uscc in Organization.objects.filter(
            Q(name__in=entries) | Q(uscc__in=[e.upper() for e in entries])).values_list("pk", "name", "uscc"):
        found[name] = pk
        if uscc:
            found[uscc.upper()] = pk
    unknown = [e for e in entries if e not in found and e.upper() not in found]
    if unknown:
        raise ScreeningInputError(
            f"主体清单中“{'”“'.join(unknown[:5])}”在登记库中找不到：请填写主体的全称或统一社会信用代码，每行一个"
            "（可在主体登记库中搜索核对）。", "organization_ids")
    return sorted({found.get(e, found.get(e.upper())) for e in entries})


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ScreeningInputError("年度须为四位数字，例如 2025。", "year") from None
    latest = timezone.localdate().year + 1
    if not 2000 <= value <= latest:
        raise ScreeningInputError(f"年度须在 2000 至 {latest} 之间，请重新填写。", "year")
    return value
