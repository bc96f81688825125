"""Registry business logic shared by the pages, the REST API, the commands and the import.

Visibility: bureau and finance staff see every organisation, district staff those of their region, entity accounts
only their own (anything else is a 404). Every change goes through ``apply_changes`` so that the field-level
history (ChangeRecord) and the audit log are written in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet

from accounts import access
from core.audit import account, record
from registry.models import (
    TIER_PATH,
    AnnualFacts,
    ChangeRecord,
    Organization,
    Qualification,
    QualificationKind,
    Region,
)


def visible_organizations(user: Any) -> QuerySet[Organization]:
    """Organisations ``user`` may read (accounts.access decides)."""
    return access.organizations(user)


def get_visible_organization(user: Any, pk: int) -> Organization:
    return access.get_organization(user, pk)


def can_edit(user: Any, org: Organization) -> bool:
    return access.can_edit_organization(user, org)


@dataclass
class DirectoryFilter:
    q: str = ""
    kind: str = ""
    region: str = ""  # Region.code
    chain: str = ""  # IndustryChain.code
    qualification: str = ""  # QualificationKind, in force on ``on``
    level: str = ""
    on: dt.date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> DirectoryFilter:
        on = None
        if params.get("on"):
            try:
                on = dt.date.fromisoformat(params["on"])
            except ValueError:
                on = None
        return cls(
            q=(params.get("q") or "").strip(), kind=params.get("kind") or "", region=params.get("region") or "",
            chain=params.get("chain") or "", qualification=params.get("qualification") or "",
            level=params.get("level") or "", on=on,
        )


def search_organizations(qs: QuerySet[Organization], f: DirectoryFilter) -> QuerySet[Organization]:
    """Filter the directory: name or credit code, kind, region (a division includes nothing else), chain,
    qualification in force on a date (default today), level (of a platform, or of a qualification)."""
    if f.q:
        code = f.q.upper()
        qs = qs.filter(uscc=code) if len(code) == 18 and code.isalnum() else qs.filter(name__contains=f.q)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.region:
        qs = qs.filter(region__code=f.region)
    if f.chain:
        qs = qs.filter(industry_chain__code=f.chain)
    if f.qualification:
        on = f.on or dt.date.today()
        held = Qualification.objects.filter(Qualification.in_force(on), kind=f.qualification)
        if f.level:
            held = held.filter(level=f.level)
        qs = qs.filter(pk__in=held.values("organization_id"))
    elif f.level:
        qs = qs.filter(level=f.level)
    return qs.order_by("id")


def qualification_holds(org: Organization | int, kind: str, on: dt.date) -> bool:
    """Was ``org`` holding qualification ``kind`` on date ``on``? (validity windows are inclusive)"""
    org_id = org if isinstance(org, int) else org.pk
    return Qualification.objects.filter(Qualification.in_force(on), organization_id=org_id, kind=kind).exists()


def tier_path(org: Organization, on: dt.date | None = None) -> list[dict[str, Any]]:
    """The cultivation tier path tech SME → high-tech enterprise → gazelle → unicorn, with first-reached dates."""
    on = on or dt.date.today()
    firsts = dict(
        org.qualifications.filter(kind__in=TIER_PATH, valid_from__lte=on)
        .values_list("kind")
        .annotate(first=models.Min("valid_from"))
    )
    current = set(
        org.qualifications.filter(Qualification.in_force(on), kind__in=TIER_PATH).values_list("kind", flat=True)
    )
    return [
        {"kind": k.value, "label": k.label, "first_reached": firsts.get(k.value), "in_force": k.value in current}
        for k in TIER_PATH
    ]


def _display(value: Any, field: models.Field | None = None) -> str:
    """A value as the change history shows it: a coded choice by its label (统计部门, not statistics)."""
    if field is not None and field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def apply_changes(
    actor: Any,
    obj: Organization | AnnualFacts,
    changes: Mapping[str, Any],
    channel: str,
    *,
    created: bool = False,
) -> list[ChangeRecord]:
    """Validate and save ``changes`` on ``obj``; record each changed field (who, when, old, new, channel).

    Raises ValidationError (Chinese, per field) and saves nothing when the result is invalid.
    """
    org_before = obj if isinstance(obj, Organization) else getattr(obj, "organization", None)
    if getattr(actor, "is_authenticated", False):
        if org_before is not None and org_before.pk and not created and not access.can_edit_organization(actor, org_before):
            raise ValidationError({"__all__": ["该主体不在您的管辖范围内，不能修改。"]})
        if "region" in changes and not access.can_write_region(actor, changes["region"]):
            raise ValidationError({"region": ["只能把主体登记在您管辖的区市或功能区内。"]})
    before = {name: getattr(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    org = obj if isinstance(obj, Organization) else obj.organization
    rows = []
    key = str(obj.year) if isinstance(obj, AnnualFacts) else ""
    for name, new in changes.items():
        old = before[name]
        field = obj._meta.get_field(name)
        if created or _display(old, field) != _display(new, field):
            rows.append(
                ChangeRecord(
                    organization=org, record_type=obj._meta.model_name, record_key=key,
                    field=str(field.verbose_name), old_value="" if created else _display(old, field),
                    new_value=_display(new, field), actor=account(actor),
                    channel=channel,
                )
            )
    if not rows:
        return []
    with transaction.atomic():
        if isinstance(obj, AnnualFacts) and getattr(actor, "is_authenticated", False):
            obj.entered_by = actor
        obj.save()
        ChangeRecord.objects.bulk_create(rows)
        record(
            actor, "registry.create" if created else "registry.update", obj,
            f"{org.name} {obj._meta.verbose_name}{key}：{len(rows)} 项" + ("新建" if created else "变更"),
            channel=channel, fields=[r.field for r in rows],
        )
    return rows


def save_annual_facts(actor: Any, org: Organization, year: int, values: Mapping[str, Any], channel: str) -> AnnualFacts:
    facts = AnnualFacts.objects.filter(organization=org, year=year).first()
    created = facts is None
    if created:
        facts = AnnualFacts(organization=org, year=year)
    if "source" not in values:
        values = {**values, "source": AnnualFacts.Source.IMPORT if channel == "import" else AnnualFacts.Source.SELF}
    apply_changes(actor, facts, values, channel, created=created)
    return facts


def regions_for_choice() -> Iterable[Region]:
    return Region.objects.filter(kind__in=["division", "zone"]).order_by("kind", "code")


def qualification_label(kind: str) -> str:
    try:
        return QualificationKind(kind).label
    except ValueError:
        return kind


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}

