"""Incubation services shared by pages, the API, the Excel import, the CLI and the demo.

Roster changes go through ``add_stay`` / ``update_stay`` / ``end_stay`` / ``incorporate``; each validates (model clean
+ DB constraints), writes in one transaction, records an audit event and refreshes the derived A 第16条 events.
The derived events are registry Recognitions (kind ``certification``, subject ``incubatee_high_tech``) on the carrier,
marked ``attributes.source = "incubation"``; the policy engine pays them (10万元 each, 100万元 per carrier a year).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import account, record
from incubation import rules
from incubation.models import (
    STAGE_OF_PLATFORM,
    Carrier,
    Competition,
    Entry,
    Evaluation,
    ExitReason,
    Incubatee,
    Prize,
    RosterChange,
    Stay,
)
from registry.models import (
    Organization,
    OrganizationKind,
    Qualification,
    QualificationKind,
    Recognition,
    RecognitionKind,
)
from registry.uscc import uscc_error


def message_of(exc: ValidationError) -> str:
    """One Chinese sentence from a ValidationError (field errors joined)."""
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


# ---------------------------------------------------------------- carriers and incubatees


def carrier_for(org: Organization, stage: str | None = None) -> Carrier:
    """The carrier row of a registry organisation (created on first use from its platform type)."""
    try:
        return org.carrier
    except Carrier.DoesNotExist:
        pass
    stage = stage or STAGE_OF_PLATFORM.get(org.platform_type)
    if not stage:
        raise ValidationError({"organization": f"“{org.name}”不是孵化载体（众创空间、孵化器、加速器、大学科技园、"
                                               "星创天地或产业园），不能维护在孵名册。"})
    carrier, _ = Carrier.objects.get_or_create(organization=org, defaults={"stage": stage})
    return carrier


def ensure_carriers() -> int:
    """A carrier row for every incubation platform of the registry. Returns how many were created."""
    have = set(Carrier.objects.values_list("organization_id", flat=True))
    new = [Carrier(organization_id=pk, stage=STAGE_OF_PLATFORM[pt]) for pk, pt in Organization.objects.filter(
        kind=OrganizationKind.PLATFORM, platform_type__in=list(STAGE_OF_PLATFORM)).values_list("id", "platform_type")
        if pk not in have]
    Carrier.objects.bulk_create(new, batch_size=1000)
    return len(new)


def incubatee_for(uscc: str = "", team_name: str = "", team_leader: str = "", where: str = "") -> Incubatee:
    """Find or create the incubatee of a credit code (an organisation of the registry) or of a team."""
    uscc = (uscc or "").strip().upper()
    team_name, team_leader = (team_name or "").strip(), (team_leader or "").strip()
    if uscc:
        problem = uscc_error(uscc)
        if problem:
            raise ValidationError({"uscc": f"{where}统一社会信用代码 {uscc}：{problem}"})
        org = Organization.objects.filter(uscc=uscc).first()
        if org is None:
            raise ValidationError({"uscc": f"{where}统一社会信用代码 {uscc} 未在创新主体库中登记：请先在“创新主体”中登记"
                                           "该企业，或不填代码、按未注册团队填写团队名称和负责人。"})
        incubatee, _ = Incubatee.objects.get_or_create(organization=org)
        return incubatee
    if not (team_name and team_leader):
        raise ValidationError({"uscc": f"{where}请填写统一社会信用代码（已注册企业），或同时填写团队名称和团队负责人（未注册团队）。"})
    incubatee = Incubatee.objects.filter(organization__isnull=True, team_name=team_name, team_leader=team_leader).first()
    return incubatee or Incubatee.objects.create(team_name=team_name, team_leader=team_leader)


STAY_FIELDS = ("entered_on", "space", "space_m2", "services", "exited_on", "exit_reason", "exit_note")


@transaction.atomic
def add_stay(actor: Any, carrier: Carrier, incubatee: Incubatee, entered_on: dt.date, *, moved_in: bool = False,
             where: str = "", sync: bool = True, **fields: Any) -> Stay:
    """Put an incubatee on a carrier's roster. ``moved_in``: it comes from another carrier, whose open stay ends on
    ``entered_on`` with reason 迁往其他载体 (a recorded move)."""
    previous = None
    if moved_in:
        previous = Stay.objects.select_for_update().filter(incubatee=incubatee, exited_on__isnull=True).exclude(
            carrier=carrier).first()
        if previous is None:
            raise ValidationError({"moved_in": f"{where}{incubatee.name} 目前不在其他载体孵化，无需登记迁入，请取消勾选。"})
        if previous.entered_on > entered_on:
            raise ValidationError({"entered_on": f"{where}迁入日期 {entered_on} 早于其在“{previous.carrier}”的入驻日期 "
                                                 f"{previous.entered_on}，请核对。"})
        previous.exited_on, previous.exit_reason = entered_on, ExitReason.MOVED
        previous.exit_note = f"迁往 {carrier}"
        previous.save(update_fields=["exited_on", "exit_reason", "exit_note"])
    stay = Stay(carrier=carrier, incubatee=incubatee, entered_on=entered_on, moved_from=previous,
                **{k: v for k, v in fields.items() if k in STAY_FIELDS})
    _validate_and_save(stay, where)
    record(actor, "incubation.stay_added", stay, f"{carrier} 登记在孵对象 {incubatee.name}（{entered_on} 入驻）",
           moved_from=previous.pk if previous else None)
    if sync and incubatee.organization_id:
        sync_upgrade_events([incubatee.organization_id])
    return stay


def _validate_and_save(stay: Stay, where: str = "") -> None:
    try:
        stay.full_clean(exclude=["moved_from"])
    except ValidationError as exc:
        raise ValidationError({k: [f"{where}{m}" for m in v] for k, v in exc.message_dict.items()}) from None
    try:
        with transaction.atomic():
            stay.save()
    except IntegrityError:
        raise ValidationError({"entered_on": f"{where}{stay.incubatee.name} 已有一条未结束的在孵记录：同一对象同一时间只能在一个"
                                             "载体孵化；如已迁入，请勾选“从其他载体迁入”。"}) from None


@transaction.atomic
def update_stay(actor: Any, stay: Stay, **fields: Any) -> Stay:
    before = {k: getattr(stay, k) for k in STAY_FIELDS}
    for k, v in fields.items():
        if k in STAY_FIELDS:
            setattr(stay, k, v)
    _validate_and_save(stay)
    changed = {k: [str(before[k]), str(getattr(stay, k))] for k in STAY_FIELDS if before[k] != getattr(stay, k)}
    record(actor, "incubation.stay_changed", stay, f"修改在孵记录 {stay}", changes=changed)
    if stay.incubatee.organization_id:
        sync_upgrade_events([stay.incubatee.organization_id])
    return stay


def end_stay(actor: Any, stay: Stay, exited_on: dt.date, reason: str, note: str = "") -> Stay | RosterChange:
    if reason == ExitReason.MOVED:
        raise ValidationError({"exit_reason": "迁往其他载体由迁入载体登记迁入时自动结束，请选择毕业、退出或注销。"})
    return request_update(actor, stay, exited_on=exited_on, exit_reason=reason, exit_note=note)


# ---------------------------------------------------------------- roster changes that need another party's word


class _DryRun(Exception):
    pass


def _dry_run(write: Any) -> None:
    """Run a roster write and roll it back: the change is validated exactly as it would be applied."""
    try:
        with transaction.atomic():
            write()
            raise _DryRun
    except _DryRun:
        pass


def needs_word(actor: Any) -> bool:
    """A carrier's own account needs another party's word for moves and back-dating; staff (and system jobs) decide."""
    return bool(getattr(actor, "is_entity_account", False))


def _pack(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v
            for k, v in fields.items() if k in STAY_FIELDS}


def _unpack(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for k in ("entered_on", "exited_on"):
        if out.get(k):
            out[k] = dt.date.fromisoformat(out[k])
    if out.get("space_m2") not in (None, ""):
        out["space_m2"] = Decimal(out["space_m2"])
    return out


def _open_elsewhere(incubatee: Incubatee, carrier: Carrier) -> Stay | None:
    return Stay.objects.select_related("carrier__organization").filter(
        incubatee=incubatee, exited_on__isnull=True).exclude(carrier=carrier).first()


def file_change(actor: Any, **kw: Any) -> RosterChange:
    dup = RosterChange.objects.filter(status=RosterChange.Status.PENDING, carrier=kw["carrier"],
                                      incubatee=kw["incubatee"]).first()
    if dup is not None:
        raise ValidationError({"entered_on": f"{kw['incubatee'].name} 已有一条待{dup.get_awaiting_display()}的名册变更申请"
                                             f"（{dup.requested_at:%Y-%m-%d} 提交），请等待处理结果。"})
    change = RosterChange.objects.create(requested_by=account(actor), **kw)
    record(actor, "incubation.change_requested", change, f"{change}：待{change.get_awaiting_display()}（{change.why}）")
    if change.awaiting == RosterChange.Awaiting.CARRIER and change.from_carrier_id:
        from screening.notices import notify

        notify(change.from_carrier.organization, "名册变更待您处理",
               f"{change.carrier} 申请将 {change.incubatee.name} 自 {change.entered_on} 迁入，须贵载体同意或拒绝。",
               "/incubation/changes/", actor=actor)
    return change


@transaction.atomic
def request_stay(actor: Any, carrier: Carrier, incubatee: Incubatee, entered_on: dt.date, *, moved_in: bool = False,
                 where: str = "", sync: bool = True, **fields: Any) -> Stay | RosterChange:
    """Put an incubatee on a roster, as ``add_stay``, when the actor may do so alone; otherwise file a pending change.

    A carrier account may not alone take an incubatee from another carrier (that carrier agrees, or bureau staff
    decide) nor date an entry before the back-dating window (bureau staff decide)."""
    fields = {k: v for k, v in fields.items() if k in STAY_FIELDS}

    def write() -> Stay:
        return add_stay(actor, carrier, incubatee, entered_on, moved_in=moved_in, where=where, sync=sync, **fields)

    late = needs_word(actor) and entered_on < rules.earliest_own_date()
    if not needs_word(actor) or not (moved_in or late):
        return write()
    _dry_run(write)  # the same checks as applying it: dates, overlaps, the other carrier's open stay
    source = _open_elsewhere(incubatee, carrier) if moved_in else None
    if late:
        why = f"入驻日期 {entered_on} 早于 {rules.backdate_days()} 天前，须市科技局审核"
    else:
        why = f"从“{source.carrier}”迁入，须原载体同意（或市科技局决定）"
    return file_change(actor, kind=RosterChange.Kind.ADD, carrier=carrier, incubatee=incubatee, entered_on=entered_on,
                 moved_in=moved_in, from_carrier=source.carrier if source else None, data=_pack(fields),
                 awaiting=RosterChange.Awaiting.STAFF if late else RosterChange.Awaiting.CARRIER, why=why)


def _edit_needs_staff(stay: Stay, new: dict[str, Any]) -> str:
    """Why an edit by a carrier account stretches a stay back in time (''if it does not)."""
    entered = new.get("entered_on")
    if entered and entered < stay.entered_on and entered < rules.earliest_own_date():
        return f"入驻日期由 {stay.entered_on} 提前到 {entered}（早于 {rules.backdate_days()} 天前），须市科技局审核"
    exited = new.get("exited_on")
    if stay.exited_on and exited and exited > stay.exited_on:
        return f"已结束记录的毕业/退出日期由 {stay.exited_on} 推迟到 {exited}，须市科技局审核"
    return ""


@transaction.atomic
def request_update(actor: Any, stay: Stay, **fields: Any) -> Stay | RosterChange:
    """Change a stay, as ``update_stay``; an edit by a carrier account that stretches it back in time is filed for
    bureau approval instead."""
    new = {k: v for k, v in fields.items() if k in STAY_FIELDS}
    why = _edit_needs_staff(stay, new) if needs_word(actor) else ""
    if not why:
        return update_stay(actor, stay, **new)
    _dry_run(lambda: update_stay(actor, Stay.objects.select_related("incubatee").get(pk=stay.pk), **new))
    return file_change(actor, kind=RosterChange.Kind.EDIT, carrier=stay.carrier, incubatee=stay.incubatee, stay=stay,
                 entered_on=new.get("entered_on") or stay.entered_on, data=_pack(new),
                 awaiting=RosterChange.Awaiting.STAFF, why=why)


@transaction.atomic
def decide_change(actor: Any, change: RosterChange, accept: bool, note: str = "") -> RosterChange:
    """The other carrier or bureau staff accept (the change is applied now, in the actor's name) or refuse."""
    from incubation import access

    change = RosterChange.objects.select_for_update().select_related("carrier__organization", "incubatee").get(
        pk=change.pk)
    if not access.can_decide_change(actor, change):
        raise PermissionDenied("您无权处理该申请。")
    if change.status != RosterChange.Status.PENDING:
        raise ValidationError({"status": f"该申请已{change.get_status_display()}，无需再次处理。"})
    data = _unpack(change.data)
    if accept and change.kind == RosterChange.Kind.ADD:
        if change.moved_in:
            source = _open_elsewhere(change.incubatee, change.carrier)
            if source is None or (change.from_carrier_id and source.carrier_id != change.from_carrier_id):
                raise ValidationError({"status": f"{change.incubatee.name} 已不在“{change.from_carrier}”孵化，"
                                                 "申请已失效：请拒绝，由申请载体重新提交。"})
        add_stay(actor, change.carrier, change.incubatee, change.entered_on, moved_in=change.moved_in, **data)
    elif accept:
        update_stay(actor, Stay.objects.select_related("incubatee").get(pk=change.stay_id), **data)
    change.status = RosterChange.Status.ACCEPTED if accept else RosterChange.Status.REFUSED
    change.decided_by, change.decided_at, change.decision_note = account(actor), timezone.now(), note.strip()[:200]
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    from screening.notices import notify

    notify(change.carrier.organization, f"名册变更申请{change.get_status_display()}",
           f"{change}：{change.get_status_display()}。{change.decision_note}", "/incubation/changes/", actor=actor)
    record(actor, "incubation.change_accepted" if accept else "incubation.change_refused", change,
           f"{change}：{change.get_status_display()}{('（' + change.decision_note + '）') if change.decision_note else ''}")
    return change


@transaction.atomic
def incorporate(actor: Any, incubatee: Incubatee, uscc: str, on: dt.date | None = None) -> Incubatee:
    """A team becomes the registry organisation of ``uscc``; its stays and entries stay with it."""
    if not incubatee.is_team:
        raise ValidationError({"uscc": f"{incubatee.name} 已关联企业，无需再次登记注册。"})
    uscc = (uscc or "").strip().upper()
    org = Organization.objects.filter(uscc=uscc).first() if uscc else None
    if org is None:
        raise ValidationError({"uscc": f"统一社会信用代码 {uscc or '（空）'} 未在创新主体库中登记，请先登记该企业。"})
    first = incubatee.stays.order_by("entered_on").values_list("entered_on", flat=True).first()
    if needs_word(actor) and first and not (org.established_on and org.established_on >= first):
        # Otherwise a carrier could hand its team's old stay to any firm that has just been certified (A 第16条).
        raise ValidationError({"uscc": f"“{org.name}”成立于 {org.established_on or '（未登记）'}，早于团队入驻日期 {first}："
                                       "团队注册成立的应是入驻后新成立的企业。如确属同一主体，请联系市科技局登记。"})
    existing = Incubatee.objects.filter(organization=org).first()
    if existing is not None:
        if existing.stays.exists() or existing.entries.exists():
            raise ValidationError({"uscc": f"“{org.name}”已有自己的在孵或参赛记录，不能再与团队“{incubatee.team_name}”合并，"
                                           "请联系市科技局处理。"})
        existing.delete()
    incubatee.organization, incubatee.incorporated_on = org, on or org.established_on
    incubatee.save(update_fields=["organization", "incorporated_on"])
    record(actor, "incubation.incorporated", incubatee, f"团队“{incubatee.team_name}”注册为 {org.name}")
    sync_upgrade_events([org.id])
    sync_competition_events(Entry.objects.filter(incubatee=incubatee))
    return incubatee


# ---------------------------------------------------------------- A 第16条: upgrades inside the incubation period


@dataclass
class Upgrade:
    """An incubatee's first high-tech certification, judged against its stays."""

    organization_id: int
    name: str
    certified_on: dt.date
    stay: Stay | None  # the stay that covers the certification day
    period_start: dt.date | None
    period_end: dt.date | None
    qualifies: bool
    reason: str

    @property
    def carrier(self) -> Carrier | None:
        return self.stay.carrier if self.stay else None


def _first_dates(org_ids: Iterable[int], kind: str) -> dict[int, dt.date]:
    qs = Qualification.objects.filter(organization_id__in=list(org_ids), kind=kind).exclude(
        certification=Qualification.Certification.RE).values_list("organization_id", "valid_from")
    out: dict[int, dt.date] = {}
    for org_id, start in qs:
        if org_id not in out or start < out[org_id]:
            out[org_id] = start
    return out


def _chain_start(stay: Stay, by_id: dict[int, Stay]) -> dt.date:
    start, current, seen = stay.entered_on, stay, set()
    while current.moved_from_id and current.moved_from_id in by_id and current.pk not in seen:
        seen.add(current.pk)
        current = by_id[current.moved_from_id]
        start = current.entered_on
    return start


def upgrades(org_ids: Iterable[int] | None = None) -> list[Upgrade]:
    """For each incubatee organisation with a first high-tech certification: does it qualify under A 第16条?"""
    stays = Stay.objects.select_related("carrier__organization", "incubatee__organization").filter(
        incubatee__organization__isnull=False)
    if org_ids is not None:
        stays = stays.filter(incubatee__organization_id__in=list(org_ids))
    by_org: dict[int, list[Stay]] = defaultdict(list)
    by_id: dict[int, Stay] = {}
    for s in stays:
        by_org[s.incubatee.organization_id].append(s)
        by_id[s.pk] = s
    certified = _first_dates(by_org, QualificationKind.HIGH_TECH_ENTERPRISE)
    out = []
    for org_id, day in certified.items():
        own = sorted(by_org[org_id], key=lambda s: s.entered_on)
        name = own[0].incubatee.name
        host = next((s for s in own if s.covers(day)), None)
        if host is None:
            before = [s for s in own if s.entered_on <= day]
            why = "认定时已毕业或退出，不属于在孵企业" if before else "认定时尚未入驻"
            out.append(Upgrade(org_id, name, day, None, None, None, False, why))
            continue
        start = host.entered_on if rules.period_restarts_on_move() else _chain_start(host, by_id)
        end = rules.last_day_of_period(start)
        if host.carrier.stage not in rules.eligible_stages():
            out.append(Upgrade(org_id, name, day, host, start, end, False,
                               f"{host.carrier.get_stage_display()}不在 A 第16条奖励范围（仅孵化器、众创空间等）"))
        elif not host.carrier.organization.level:
            out.append(Upgrade(org_id, name, day, host, start, end, False, "载体未登记级别（须为市级以上）"))
        elif day > end:
            out.append(Upgrade(org_id, name, day, host, start, end, False, f"认定日晚于 3 年孵化期（至 {end}）"))
        else:
            out.append(Upgrade(org_id, name, day, host, start, end, True, f"在 3 年孵化期（{start} 至 {end}）内升级"))
    return out


def _event_key(carrier_org_id: int, incubatee_org_id: int, day: dt.date) -> tuple[int, int, str]:
    return carrier_org_id, incubatee_org_id, day.isoformat()


@transaction.atomic
def sync_upgrade_events(org_ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Make the carriers' A 第16条 events match the roster and the qualification records (for the given incubatee
    organisations, or all). Returns (created, deleted)."""
    org_ids = None if org_ids is None else list(org_ids)
    wanted = {}
    for u in upgrades(org_ids):
        if u.qualifies:
            wanted[_event_key(u.carrier.organization_id, u.organization_id, u.certified_on)] = u
    existing = Recognition.objects.filter(kind=RecognitionKind.CERTIFICATION, subject=rules.UPGRADE_SUBJECT,
                                          attributes__source=rules.SOURCE)
    have: dict[tuple, int] = {}
    for pk, org_id, attrs, day in existing.values_list("id", "organization_id", "attributes", "occurred_on"):
        inc = int(attrs.get("incubatee", 0))
        if org_ids is not None and inc not in org_ids:
            continue
        have[_event_key(org_id, inc, day)] = pk
    stale = [pk for key, pk in have.items() if key not in wanted]
    Recognition.objects.filter(pk__in=stale).delete()
    new = [Recognition(
        organization_id=key[0], kind=RecognitionKind.CERTIFICATION, subject=rules.UPGRADE_SUBJECT,
        title=f"在孵企业 {u.name} 升级为高新技术企业", level=u.carrier.organization.level, occurred_on=u.certified_on,
        reference=rules.A16,
        attributes={"source": rules.SOURCE, "incubatee": u.organization_id, "stay": u.stay.pk,
                    "period": [u.period_start.isoformat(), u.period_end.isoformat()]},
    ) for key, u in wanted.items() if key not in have]
    Recognition.objects.bulk_create(new)
    return len(new), len(stale)


def carrier_reward_events(carrier: Carrier) -> list[Recognition]:
    return list(Recognition.objects.filter(organization=carrier.organization, kind=RecognitionKind.CERTIFICATION,
                                           subject=rules.UPGRADE_SUBJECT).order_by("occurred_on"))


# ---------------------------------------------------------------- B 第29条: yearly performance evaluation


@transaction.atomic
def record_evaluation(actor: Any, carrier: Carrier, year: int, grade: str, evaluated_on: dt.date,
                      reference: str = "") -> Evaluation:
    ev = Evaluation.objects.filter(carrier=carrier, year=year).first() or Evaluation(carrier=carrier, year=year)
    ev.grade, ev.evaluated_on, ev.reference = grade, evaluated_on, reference
    ev.full_clean(exclude=["recognition"])
    org = carrier.organization
    rec = ev.recognition or Recognition(organization=org, kind=RecognitionKind.PLATFORM_EVALUATION)
    rec.subject = org.platform_type or carrier.stage
    rec.title, rec.level, rec.grade = f"{year} 年度{carrier.get_stage_display()}绩效评价：{grade}", org.level, grade
    rec.occurred_on, rec.reference = evaluated_on, reference or rules.B29
    rec.attributes = {"source": rules.SOURCE, "evaluation_year": year}
    rec.save()
    ev.recognition = rec
    ev.save()
    record(actor, "incubation.evaluation", ev, f"{carrier} {year} 年度绩效评价 {grade}")
    return ev


# ---------------------------------------------------------------- competitions (A 第16条, B 第15、16条)

CONTEST_EVENT_SUBJECTS = ("china_innovation_contest_finalist", "china_innovation_contest_excellent",
                          "china_innovation_contest_prize", "cooperation_event_startup")


def _entry_events(entry: Entry) -> list[Recognition]:
    org_id = entry.incubatee.organization_id
    if not org_id:
        return []
    comp = entry.competition
    base = {"organization_id": org_id, "reference": "", "attributes": {"source": rules.SOURCE, "entry": entry.pk}}
    out = []
    if comp.series == Competition.Series.CHINA_INNOVATION and entry.stage_reached == Entry.Stage.NATIONAL_FINAL:
        out.append(Recognition(kind=RecognitionKind.AWARD, subject="china_innovation_contest_finalist",
                               title=f"{comp} 全国行业总决赛：{entry.project}", level="national",
                               occurred_on=entry.reached_on, **{**base, "reference": rules.A16}))
        if entry.excellent_title:
            out.append(Recognition(kind=RecognitionKind.AWARD, subject="china_innovation_contest_excellent",
                                   title=f"{comp} 全国赛优秀企业：{entry.project}", level="national",
                                   occurred_on=entry.reached_on, **{**base, "reference": "威政发〔2023〕5号 第16条"}))
        for prize in entry.prizes.all():
            if prize.level == "national" and prize.amount > 0:
                out.append(Recognition(kind=RecognitionKind.AWARD, subject="china_innovation_contest_prize",
                                       title=f"{comp} 国家级{prize.grade}：{entry.project}", level="national",
                                       grade="", amount=prize.amount, occurred_on=prize.awarded_on,
                                       **{**base, "reference": rules.A16}))
    if comp.series in (Competition.Series.CHINA_KOREA, Competition.Series.CHINA_JAPAN) and entry.landed_on \
            and entry.physical_investment is not None:
        out.append(Recognition(kind=RecognitionKind.OTHER, subject="cooperation_event_startup",
                               title=f"通过{comp.get_series_display()}落地：{entry.project}",
                               occurred_on=entry.landed_on, amount=entry.physical_investment,
                               **{**base, "reference": "威政发〔2023〕5号 第15条"}))
    return out


@transaction.atomic
def sync_competition_events(entries: Iterable[Entry]) -> int:
    """Rewrite the registry events derived from these entries. Returns the number of events now held."""
    entries = list(entries)
    ids = [e.pk for e in entries]
    Recognition.objects.filter(attributes__source=rules.SOURCE, subject__in=CONTEST_EVENT_SUBJECTS,
                               attributes__entry__in=ids).delete()
    new = [r for e in entries for r in _entry_events(e)]
    Recognition.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def record_entry(actor: Any, *, series: str, name: str, year: int, incubatee: Incubatee, project: str,
                 stage_reached: str, reached_on: dt.date, excellent_title: bool = False,
                 landed_on: dt.date | None = None, physical_investment: Decimal | None = None,
                 prizes: Iterable[dict[str, Any]] = ()) -> Entry:
    """Record a competition entry with its prizes (one per level) and write the events the rules read."""
    comp, _ = Competition.objects.get_or_create(series=series, year=year, name=name.strip())
    entry = Entry(competition=comp, incubatee=incubatee, project=project.strip(), stage_reached=stage_reached,
                  reached_on=reached_on, excellent_title=excellent_title, landed_on=landed_on,
                  physical_investment=physical_investment)
    entry.full_clean()
    entry.save()
    for p in prizes:
        prize = Prize(entry=entry, **p)
        prize.full_clean()
        prize.save()
    sync_competition_events([entry])
    record(actor, "incubation.entry", entry, f"{comp} 参赛记录：{incubatee.name} {entry.project}")
    return entry


def entry_rewards(entry: Entry) -> list[dict[str, Any]]:
    """The amounts the policy engine computes for this entry's events, with their citations."""
    from policy.services import evaluate_organization

    org = entry.incubatee.organization
    if org is None:
        return []
    events = Recognition.objects.filter(attributes__source=rules.SOURCE, attributes__entry=entry.pk)
    years = sorted({e.occurred_on.year for e in events})
    out = []
    for year in years:
        for r in evaluate_organization(org, year).results:
            pid = str(r.provision_id)
            if r.status == "applies" and any(k in pid for k in ("contest", "startup_landing")):
                out.append({"year": year, "title": r.title, "citation": f"{r.document} {r.article}",
                            "amount": Decimal(r.amount or 0), "is_ceiling": r.is_ceiling,
                            "explanation": r.explanation})
    return out


# ---------------------------------------------------------------- what a carrier's page shows


@dataclass
class Growth:
    stay: Stay
    tech_sme_on: dt.date | None
    hte_on: dt.date | None


def carrier_overview(carrier: Carrier) -> dict[str, Any]:
    stays = list(carrier.stays.select_related("incubatee__organization", "moved_from__carrier__organization")
                 .prefetch_related("moved_to__carrier__organization").order_by("-entered_on", "id"))
    org_ids = [s.incubatee.organization_id for s in stays if s.incubatee.organization_id]
    sme, hte = _first_dates(org_ids, QualificationKind.TECH_SME), _first_dates(org_ids, QualificationKind.HIGH_TECH_ENTERPRISE)
    growth = []
    for s in stays:
        # Only a qualification gained during or after the stay is growth; one held before entry is not (issue 26).
        oid = s.incubatee.organization_id
        sme_on = sme.get(oid) if oid and sme.get(oid) and sme[oid] >= s.entered_on else None
        hte_on = hte.get(oid) if oid and hte.get(oid) and hte[oid] >= s.entered_on else None
        if sme_on or hte_on:
            growth.append(Growth(s, sme_on, hte_on))
    years: dict[int, dict[str, int]] = defaultdict(lambda: {"entered": 0, "graduated": 0, "tech_sme": 0, "hte": 0})
    for s in stays:
        years[s.entered_on.year]["entered"] += 1
        if s.exit_reason == ExitReason.GRADUATED:
            years[s.exited_on.year]["graduated"] += 1
    for g in growth:
        if g.tech_sme_on:
            years[g.tech_sme_on.year]["tech_sme"] += 1
        if g.hte_on:
            years[g.hte_on.year]["hte"] += 1
    span = sorted(years)
    series = {"years": [str(y) for y in span], **{k: [years[y][k] for y in span]
                                                   for k in ("entered", "graduated", "tech_sme", "hte")}}
    ups = [u for u in upgrades(org_ids) if u.stay is not None and u.stay.carrier_id == carrier.pk]
    return {
        "current": [s for s in stays if s.is_current],
        "graduates": [s for s in stays if s.exit_reason == ExitReason.GRADUATED],
        "others": [s for s in stays if s.exited_on and s.exit_reason != ExitReason.GRADUATED],
        "growth": growth, "series": series, "upgrades": ups,
        "evaluations": list(carrier.evaluations.all()),
        "reward_events": carrier_reward_events(carrier),
    }


def chain_of(org: Organization) -> list[Stay]:
    """Where an organisation was incubated and accelerated, in order (for its registry profile)."""
    return list(Stay.objects.filter(incubatee__organization=org).select_related("carrier__organization")
                .order_by("entered_on"))


def carriers_list(qs) -> list[dict[str, Any]]:
    today = dt.date.today()
    rows = []
    counts = defaultdict(lambda: [0, 0])
    for carrier_id, exited in Stay.objects.filter(carrier__in=qs).values_list("carrier_id", "exited_on"):
        counts[carrier_id][0] += exited is None or exited > today
        counts[carrier_id][1] += exited is not None
    for c in qs:
        rows.append({"carrier": c, "current": counts[c.pk][0], "left": counts[c.pk][1]})
    return rows
