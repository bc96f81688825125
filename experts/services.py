"""Business logic of the expert database and review rounds. Pages, the REST API, the CLI and the queue call these.

Service API for the funding workflow (it attaches its applications to items through the generic link):
``create_round`` (items from dicts), ``request_solve`` / ``solve_round``, ``transition(round, "publish")``,
``aggregated_scores(round)`` (per item, without reviewer names). For the technology market:
``experts_for_text(text, chain=None, k=10)``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.audit import record
from experts import affinity as aff_mod
from experts import conflicts as conf_mod
from experts.matching import CONSTRAINTS, Infeasible, Problem, greedy, solve
from experts.models import (
    Assignment,
    Conflict,
    DeclaredRelation,
    Employment,
    Expert,
    Notice,
    PairRule,
    Review,
    ReviewItem,
    ReviewRound,
    Unavailability,
)
from registry.models import IndustryChain, Organization, OrganizationKind, Person, PlatformMembership

INLINE_SOLVE_LIMIT = 3000  # items × k up to this solve inside the request; larger rounds go to the job queue
OUTLIER_SHARE = Decimal("0.25")  # a score this share of the scale away from the item's median is flagged
REMINDER_DAYS = 3


class ReviewError(ValueError):
    """Bad input from a person: the Chinese message names the field and the fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --------------------------------------------------------------------------------------------------------------
# Expert database


EXPERT_TRANSITIONS = {  # action: (from states, to state, label)
    "admit": ({Expert.Status.SUSPENDED, Expert.Status.RETIRED}, Expert.Status.ADMITTED, "入库"),
    "suspend": ({Expert.Status.ADMITTED}, Expert.Status.SUSPENDED, "暂停"),
    "retire": ({Expert.Status.ADMITTED, Expert.Status.SUSPENDED}, Expert.Status.RETIRED, "退出"),
}


def set_expert_status(expert: Expert, action: str, actor: Any, note: str = "") -> Expert:
    if action not in EXPERT_TRANSITIONS:
        raise ReviewError("未知的操作。", "action")
    sources, target, label = EXPERT_TRANSITIONS[action]
    if expert.status not in sources:
        raise ReviewError(f"专家当前状态为“{expert.get_status_display()}”，不能执行“{label}”。", "status")
    with transaction.atomic():
        old = expert.get_status_display()
        expert.status, expert.status_note = target, note[:200]
        expert.save(update_fields=["status", "status_note"])
        record(actor, f"experts.{action}", expert, f"{expert.name}：{old} → {expert.get_status_display()}", note=note)
    return expert


def invitation_link(expert: Expert) -> str | None:
    """The path at which the expert sets their password (None once they have one): a Django password-reset token,
    so it stops working as soon as the password is set."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlencode, urlsafe_base64_encode

    user = expert.user
    if user is None or user.has_usable_password():
        return None
    query = urlencode({"u": urlsafe_base64_encode(force_bytes(user.pk)), "t": default_token_generator.make_token(user)})
    return f"{reverse('experts:invitation')}?{query}"


def invite(expert: Expert, actor: Any) -> str:
    """Give an imported expert a login by invitation: an expert account without a password (its user name shown
    to staff) and the link at which the expert sets one on first use. Returns the link."""
    from accounts.models import Role, User

    if expert.status != Expert.Status.ADMITTED:
        raise ReviewError(f"{expert.name} 当前为“{expert.get_status_display()}”，入库后才能邀请开通账户。", "status")
    if expert.user is not None and expert.user.has_usable_password():
        raise ReviewError(f"{expert.name} 已开通账户（用户名 {expert.user.username}），无需再邀请。", "user")
    with transaction.atomic():
        if expert.user is None:
            user = expert.person.account or User(username=f"zj{expert.pk:05d}", role=Role.EXPERT,
                                                 first_name=expert.name[:150])
            user.set_unusable_password()
            user.save()
            expert.user = user
            expert.save(update_fields=["user"])
            if expert.person.account_id is None:
                Person.objects.filter(pk=expert.person_id).update(account=user)
        link = invitation_link(expert)
        record(actor, "experts.invite", expert, f"邀请 {expert.name} 开通账户（用户名 {expert.user.username}）")
    return link or ""


def accept_invitation(expert: Expert, password: str) -> None:
    """The expert sets the password of the invited account (validated by Django's password validators)."""
    user = expert.user
    user.set_password(password)
    user.save(update_fields=["password"])
    record(user, "experts.invitation.accepted", expert, f"{expert.name} 设置密码，开通账户")


# --------------------------------------------------------------------------------------------------------------
# Rounds: creation and the declared workflow


ROUND_TRANSITIONS = {  # action: (from states, to state, label) — who: bureau staff (access.is_manager)
    "solve": ({ReviewRound.Status.DRAFT, ReviewRound.Status.SOLVED}, ReviewRound.Status.SOLVED, "分配专家"),
    "publish": ({ReviewRound.Status.SOLVED}, ReviewRound.Status.PUBLISHED, "发布评审任务"),
    "close": ({ReviewRound.Status.PUBLISHED}, ReviewRound.Status.CLOSED, "结束评审"),
}


def short_of_reviews(rnd: ReviewRound) -> list[tuple[ReviewItem, int]]:
    """Items with fewer submitted reviews than the round's reviewers per item, with the number submitted."""
    qs = rnd.items.annotate(n=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)))
    return [(it, it.n) for it in qs.filter(n__lt=rnd.reviewers_per_item).order_by("id")]


def transition(rnd: ReviewRound, action: str, actor: Any, reason: str = "") -> ReviewRound:
    """The one guarded state change of a round: state + audit + notices. A round closes only when every item has
    its reviews, or with the reason for closing early (recorded on the round and in the audit)."""
    sources, target, label = ROUND_TRANSITIONS[action]
    reason = (reason or "").strip()
    with transaction.atomic():
        rnd = ReviewRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status not in sources:
            raise ReviewError(f"评审批次当前为“{rnd.get_status_display()}”，不能{label}。", "status")
        if action == "close":
            short = short_of_reviews(rnd)
            if short and not reason:
                names = "；".join(f"《{it.title}》{n}/{rnd.reviewers_per_item} 份" for it, n in short[:5])
                raise ReviewError(f"还有 {len(short)} 个项目未收齐评审意见（{names}{'等' if len(short) > 5 else ''}）："
                                  "请等专家提交，或在【提前结束理由】中写明理由后再结束。", "reason")
            rnd.close_reason = reason[:500] if short else ""
        if action == "publish":
            missing = rnd.items.annotate(n=Count("assignments", filter=~Q(assignments__status="withdrawn"))).filter(
                n__lt=rnd.reviewers_per_item).count()
            if missing:
                raise ReviewError(f"还有 {missing} 个项目未配齐专家，请先重新分配。", "status")
        old = rnd.get_status_display()
        rnd.status = target
        if action == "publish":
            rnd.published_at = timezone.now()
        rnd.save(update_fields=["status", "published_at", "close_reason"])
        record(actor, f"experts.round.{action}", rnd, f"{rnd.name}：{old} → {rnd.get_status_display()}",
               **({"reason": rnd.close_reason} if rnd.close_reason else {}))
        if action == "publish":
            loads = Counter(rnd.assignments.exclude(status="withdrawn").values_list("expert_id", flat=True))
            Notice.objects.bulk_create([
                Notice(expert_id=e, round=rnd, kind="assigned",
                       text=f"您有 {n} 个项目待评审（{rnd.name}），请于 {timezone.localtime(rnd.deadline):%Y-%m-%d %H:%M} 前提交。")
                for e, n in loads.items()])
    return rnd


def _item_from_dict(rnd: ReviewRound, d: dict) -> ReviewItem:
    chain = d.get("chain")
    if isinstance(chain, str) and chain:
        chain = IndustryChain.objects.filter(Q(code=chain) | Q(name=chain)).first()
        if chain is None:
            raise ReviewError(f"项目《{d.get('title', '')}》的产业链“{d.get('chain')}”不存在。", "chain")
    applicant = d.get("applicant")
    if isinstance(applicant, int):
        applicant = Organization.objects.filter(pk=applicant).first()
        if applicant is None:
            raise ReviewError(f"项目《{d.get('title', '')}》的申报单位编号 {d.get('applicant')} 不存在。", "applicant")
    item = ReviewItem(round=rnd, title=(d.get("title") or "").strip(), abstract=d.get("abstract", ""),
                      keywords=d.get("keywords", ""), disciplines=list(d.get("disciplines") or []),
                      chain=chain or None, applicant=applicant, applicant_name=d.get("applicant_name", ""))
    source = d.get("source")
    if source is not None:
        item.content_type = ContentType.objects.get_for_model(source)
        item.object_id = str(source.pk)
    if not item.title:
        raise ReviewError("项目名称必填。", "title")
    try:
        item.full_clean(exclude=["round"])
    except ValidationError as e:
        raise ReviewError(f"项目《{item.title}》：" + "；".join(m for ms in e.message_dict.values() for m in ms), "items") from e
    return item


def add_items(rnd: ReviewRound, items: Iterable[dict]) -> list[ReviewItem]:
    out = []
    with transaction.atomic():
        for d in items:
            item = _item_from_dict(rnd, d)
            item.save()
            parts = d.get("participants") or []
            if parts:
                found = list(Organization.objects.filter(pk__in=parts).values_list("pk", flat=True))
                if len(found) != len(set(parts)):
                    raise ReviewError(f"项目《{item.title}》的参与单位编号有误：{sorted(set(parts) - set(found))}。", "participants")
                item.participants.set(found)
            if d.get("team"):
                item.team.set(d["team"])
            out.append(item)
    return out


def create_round(actor: Any, *, name: str, deadline: dt.datetime, items: Iterable[dict] = (), **settings: Any) -> ReviewRound:
    """A round with its items, all or nothing. ``settings``: reviewers_per_item, min_load, max_load, criteria, …"""
    with transaction.atomic():
        rnd = ReviewRound(name=name, deadline=deadline, created_by=actor if getattr(actor, "pk", None) else None, **settings)
        try:
            rnd.full_clean(exclude=["created_by", "parent"])
        except ValidationError as e:
            raise ReviewError("；".join(m for ms in e.message_dict.values() for m in ms), next(iter(e.message_dict))) from e
        rnd.save()
        add_items(rnd, items)
        record(actor, "experts.round.create", rnd, f"创建评审批次 {rnd.name}", items=rnd.items.count())
    return rnd


def create_panel_stage(rnd: ReviewRound, actor: Any, *, top: int, deadline: dt.datetime, **settings: Any) -> ReviewRound:
    """会评 after 网评: the ``top`` items by normalised score are shortlisted into a new panel round."""
    ranked = [s for s in aggregate(rnd) if s.n]
    ranked.sort(key=lambda s: -(s.normalized or 0))
    chosen = [s.item for s in ranked[:top]]
    with transaction.atomic():
        ReviewItem.objects.filter(pk__in=[i.pk for i in chosen]).update(shortlisted=True)
        panel = create_round(actor, name=f"{rnd.name}（会评）", deadline=deadline, programme=rnd.programme,
                             stage=ReviewRound.Stage.PANEL, parent=rnd, criteria=rnd.criteria, **settings)
        for it in chosen:
            new = ReviewItem.objects.create(round=panel, title=it.title, abstract=it.abstract, keywords=it.keywords,
                                            disciplines=it.disciplines, chain=it.chain, applicant=it.applicant,
                                            applicant_name=it.applicant_name, content_type=it.content_type,
                                            object_id=it.object_id)
            new.participants.set(it.participants.all())
            new.team.set(it.team.all())
    return panel


# --------------------------------------------------------------------------------------------------------------
# The problem of a round: pool, conflicts, affinity


@dataclass
class Built:
    problem: Problem
    affinity: aff_mod.Affinity
    experts: list[Expert]
    items: list[ReviewItem]
    conflicts: tuple[np.ndarray, np.ndarray, np.ndarray]
    conflict_detail: dict[tuple[int, int], str] = field(default_factory=dict)


def expert_pool(rnd: ReviewRound) -> tuple[list[Expert], dict[int, int]]:
    """Admitted experts available for the round's review window, with the number of reviews they may still take
    this year (yearly cap) — excluded: suspended/retired, unavailable periods overlapping the window."""
    start, end = rnd.review_start, timezone.localtime(rnd.deadline).date()
    away = Unavailability.objects.filter(start__lte=end, end__gte=start).values_list("expert_id", flat=True)
    experts = list(Expert.objects.filter(status=Expert.Status.ADMITTED).exclude(pk__in=away)
                   .select_related("person", "organization").prefetch_related("chains").order_by("id"))
    used = dict(Assignment.objects.filter(round__review_start__year=start.year).exclude(round=rnd)
                .exclude(status=Assignment.Status.WITHDRAWN).values("expert_id").annotate(n=Count("id"))
                .values_list("expert_id", "n"))
    room = {e.pk: max(0, e.yearly_cap - used.get(e.pk, 0)) for e in experts}
    return experts, room


def _expert_text(e: Expert) -> str:
    """The expert's own fields (keywords, professional field, achievements), never the employer's name."""
    return aff_mod.expert_document(e.keyword_list(), e.person.field, "", e.achievement_list())


def expert_side(experts: list[Expert]) -> aff_mod.Side:
    return aff_mod.Side([_expert_text(e) for e in experts], [list(e.disciplines or []) for e in experts],
                        [[c.code for c in e.chains.all()] for e in experts])


def _chain_names() -> dict[str, str]:
    return dict(IndustryChain.objects.values_list("code", "name"))


def conflict_arrays(rnd: ReviewRound, experts: list[Expert], items: list[ReviewItem]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every conflicting (item index, expert index, reason index into conflicts.REASONS) computed from the registry
    and the profiles (sparse products, see experts/conflicts.py)."""
    e_index = {e.pk: n for n, e in enumerate(experts)}
    i_index = {it.pk: n for n, it in enumerate(items)}
    orgs: dict[int, int] = {}

    def o(pk: int) -> int:
        return orgs.setdefault(pk, len(orgs))

    parties = [(i_index[it.pk], o(it.applicant_id)) for it in items if it.applicant_id]
    for item_id, org_id in ReviewItem.participants.through.objects.filter(reviewitem_id__in=i_index).values_list(
            "reviewitem_id", "organization_id"):
        parties.append((i_index[item_id], o(org_id)))
    current = [(e_index[e.pk], o(e.organization_id)) for e in experts if e.organization_id]
    cutoff = rnd.review_start.replace(year=rnd.review_start.year - rnd.conflict_years)
    recent = []
    for exp_id, org_id, end in Employment.objects.filter(expert_id__in=e_index).filter(
            Q(end__isnull=True) | Q(end__gte=cutoff)).values_list("expert_id", "organization_id", "end"):
        (current if end is None else recent).append((e_index[exp_id], o(org_id)))
    declared = [(e_index[x], o(y)) for x, y in DeclaredRelation.objects.filter(expert_id__in=e_index)
                .values_list("expert_id", "organization_id")]
    people: dict[int, int] = {}
    expert_person = [(e_index[e.pk], people.setdefault(e.person_id, len(people))) for e in experts]
    team = [(i_index[i], people[p]) for i, p in ReviewItem.team.through.objects.filter(reviewitem_id__in=i_index)
            .values_list("reviewitem_id", "person_id") if p in people]
    coapplied = []
    past = ReviewItem.team.through.objects.filter(person_id__in=people, reviewitem__round__review_start__gte=cutoff) \
        .exclude(reviewitem__round=rnd)
    for p, app in past.values_list("person_id", "reviewitem__applicant_id"):
        if app:
            coapplied.append((people[p], o(app)))
    for p, part in past.values_list("person_id", "reviewitem__participants"):
        if part:
            coapplied.append((people[p], o(part)))
    relevant = list(orgs)
    platforms: dict[int, int] = {}
    members = []
    for plat, org in PlatformMembership.objects.filter(organization_id__in=relevant).values_list("platform_id", "organization_id"):
        members.append((o(org), platforms.setdefault(plat, len(platforms))))
    for plat in list(platforms):  # the platform itself is a party of its own consortium
        if plat in orgs:
            members.append((orgs[plat], platforms[plat]))
    data = conf_mod.ConflictInput(
        n_items=len(items), n_experts=len(experts), n_orgs=max(len(orgs), 1), n_people=len(people),
        n_platforms=len(platforms), item_parties=parties, expert_current=current, expert_recent=recent,
        expert_declared=declared, expert_person=expert_person, item_team=team, person_coapplied=coapplied,
        platform_members=members,
    )
    return conf_mod.compute(data)


def compute_conflicts(rnd: ReviewRound, experts: list[Expert], items: list[ReviewItem]) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Every conflicting pair of the round with its reason, stored as Conflict rows (declared ones are kept)."""
    ci, ce, cr = conflict_arrays(rnd, experts, items)
    e_index = {e.pk: n for n, e in enumerate(experts)}
    i_index = {it.pk: n for n, it in enumerate(items)}
    # declared by the expert on the item (kept across solves)
    kept = list(Conflict.objects.filter(round=rnd, reason=Conflict.Reason.DECLARED_ON_ITEM).values_list("item_id", "expert_id"))
    extra = [(i_index[i], e_index[e]) for i, e in kept if i in i_index and e in e_index]
    reason_names = dict(Conflict.Reason.choices)
    rows = [Conflict(round=rnd, item=items[i], expert=experts[e], reason=conf_mod.REASONS[r],
                     detail=reason_names[conf_mod.REASONS[r]]) for i, e, r in zip(ci.tolist(), ce.tolist(), cr.tolist(), strict=False)]
    with transaction.atomic():
        Conflict.objects.filter(round=rnd).exclude(reason=Conflict.Reason.DECLARED_ON_ITEM).delete()
        Conflict.objects.bulk_create(rows, batch_size=2000)
    if extra:
        ci = np.concatenate([ci, np.array([x[0] for x in extra])])
        ce = np.concatenate([ce, np.array([x[1] for x in extra])])
        cr = np.concatenate([cr, np.full(len(extra), -1)])
    return ci, ce, cr, {}


def _source_texts(items: list[ReviewItem]) -> dict[int, str]:
    """Text of each item's source record (a funding claim: programme, provision title, project title, summary and
    the attachments' titles), read in bulk through the generic link."""
    by_type: dict[int, list[ReviewItem]] = defaultdict(list)
    for it in items:
        if it.content_type_id and it.object_id:
            by_type[it.content_type_id].append(it)
    out: dict[int, str] = {}
    for ct_id, its in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        qs = model.objects.filter(pk__in=[it.object_id for it in its])
        if hasattr(model, "attachments"):
            qs = qs.prefetch_related("attachments")
        if hasattr(model, "programme"):
            qs = qs.select_related("programme")
        sources = {str(o.pk): o for o in qs}
        for it in its:
            src = sources.get(it.object_id)
            if src is None:
                continue
            parts = [str(getattr(src, f, "") or "") for f in ("programme", "title", "project_title", "summary")]
            if hasattr(src, "attachments"):
                parts += [f"{a.label} {a.filename.rsplit('.', 1)[0]}" for a in src.attachments.all()]
            out[it.pk] = " ".join(p for p in parts if p)
    return out


def items_side(items: list[ReviewItem]) -> aff_mod.Side:
    """What an item is matched on: its title and keywords (twice), abstract, its source's text; its disciplines;
    its chain, else the applicant's chain."""
    extra = _source_texts(items)
    texts = [f"{it.title} {it.title} {it.keywords} {it.keywords} {it.abstract} {extra.get(it.pk, '')}" for it in items]
    chains = []
    for it in items:
        chain = it.chain or (it.applicant.industry_chain if it.applicant_id and it.applicant.industry_chain_id else None)
        chains.append([chain.code] if chain else [])
    return aff_mod.Side(texts, [list(it.disciplines or []) for it in items], chains)


def build(rnd: ReviewRound, progress: Callable[[int], None] | None = None) -> Built:
    progress = progress or (lambda p: None)
    items = list(rnd.items.select_related("chain", "applicant__industry_chain").order_by("id"))
    experts, room = expert_pool(rnd)
    if not items:
        raise ReviewError("评审批次中还没有项目，请先添加项目。", "items")
    if not experts:
        raise Infeasible("reviewers_per_item", "专家库中没有可参评的专家（入库状态且评审期内可参评），无法分配。")
    ci, ce, cr, _ = compute_conflicts(rnd, experts, items)
    progress(20)
    aff_mod.add_terms([k for e in experts for k in e.keyword_list()])
    affinity = aff_mod.compute(items_side(items), expert_side(experts), _chain_names())
    progress(50)
    e_index = {e.pk: n for n, e in enumerate(experts)}
    i_index = {it.pk: n for n, it in enumerate(items)}
    bi, be = [ci], [ce]
    pins = []
    for item_id, expert_id, kind in PairRule.objects.filter(round=rnd).values_list("item_id", "expert_id", "kind"):
        if expert_id not in e_index:
            if kind == PairRule.Kind.PIN:
                name = Expert.objects.get(pk=expert_id).name
                raise Infeasible("pin", f"指定的专家{name}当前不可参评（未入库、暂停/退出或评审期内不可参评）。")
            continue
        pair = (i_index[item_id], e_index[expert_id])
        if kind == PairRule.Kind.PIN:
            pins.append(pair)
        else:
            bi.append(np.array([pair[0]]))
            be.append(np.array([pair[1]]))
    org_ids = np.array([e.organization_id or -(n + 1) for n, e in enumerate(experts)], dtype=np.int64)
    org_codes = np.where(org_ids > 0, np.unique(np.where(org_ids > 0, org_ids, 0), return_inverse=True)[1], -1)
    scores = affinity.total
    if rnd.method == ReviewRound.Method.RANDOM:
        if rnd.seed is None:
            rnd.seed = secrets.randbits(48)
            ReviewRound.objects.filter(pk=rnd.pk).update(seed=rnd.seed)
        r = min(max(rnd.randomness or 0.5, 0.0), 1.0)
        noise = np.random.default_rng(rnd.seed).random(scores.shape, dtype=np.float32)
        scores = (1 - r) * scores + r * noise
    problem = Problem(
        affinity=scores, k=np.full(len(items), rnd.reviewers_per_item, dtype=np.int64),
        min_load=np.array([min(rnd.min_load, room[e.pk]) for e in experts], dtype=np.int64),
        max_load=np.array([min(rnd.max_load, room[e.pk]) for e in experts], dtype=np.int64),
        expert_org=org_codes, blocked_items=np.concatenate(bi).astype(np.int64),
        blocked_experts=np.concatenate(be).astype(np.int64), pins=pins,
        industry=np.array([e.sector == Expert.Sector.INDUSTRY for e in experts]) if rnd.require_industry else None,
        item_names=[it.title for it in items], expert_names=[e.name for e in experts],
    )
    return Built(problem, affinity, experts, items, (ci, ce, cr))


# --------------------------------------------------------------------------------------------------------------
# Solving


class SolveCancelled(Exception):
    """Staff cancelled the solve; the round keeps its previous assignment."""


def _set_progress(rnd: ReviewRound, state: str, pct: int, message: str | None = None, force: bool = False) -> None:
    """Record progress; a solve cancelled meanwhile stops here (SolveCancelled) unless ``force``."""
    fields: dict[str, Any] = {"solve_state": state, "solve_progress": pct}
    if message is not None:
        fields["solve_message"] = message
    qs = ReviewRound.objects.filter(pk=rnd.pk)
    if not force:
        qs = qs.exclude(solve_state="cancelled")
    if not qs.update(**fields):
        raise SolveCancelled()


def cancel_solve(rnd: ReviewRound, actor: Any) -> bool:
    """Cancel a queued or running solve (it stops at its next step and writes nothing)."""
    done = ReviewRound.objects.filter(pk=rnd.pk, solve_state__in=["queued", "running"]).update(
        solve_state="cancelled", solve_message="求解已取消，分配结果未改变。")
    if done:
        record(actor, "experts.round.cancel_solve", rnd, f"{rnd.name}：取消求解")
    return bool(done)


def solve_round(rnd: ReviewRound, actor: Any = None, queued: bool = False) -> dict | None:
    """Compute conflicts and affinity, solve the assignment, store it with its reasons and statistics.

    Raises Infeasible (the round keeps its previous assignment and says which constraint fails). A queued solve
    that staff cancelled returns None and writes nothing."""
    rnd = ReviewRound.objects.get(pk=rnd.pk)
    if rnd.status not in ROUND_TRANSITIONS["solve"][0]:
        raise ReviewError(f"评审批次当前为“{rnd.get_status_display()}”，不能重新分配。", "status")
    try:
        _set_progress(rnd, "running", 5, "", force=not queued)
    except SolveCancelled:
        return None
    try:
        built = build(rnd, lambda p: _set_progress(rnd, "running", p))
        solution = solve(built.problem)
    except SolveCancelled:
        return None
    except Infeasible as exc:
        label = CONSTRAINTS.get(exc.constraint, exc.constraint)
        _set_progress(rnd, "failed", 100, f"无法完成分配——不能满足的约束：{label}。{exc.message}")
        record(actor, "experts.round.infeasible", rnd, f"{rnd.name}：{label}", constraint=exc.constraint)
        raise
    try:
        _set_progress(rnd, "running", 80)
    except SolveCancelled:
        return None
    n_items, n_experts = built.problem.shape
    base = None
    if n_items * n_experts <= 5_000_000 and rnd.method == ReviewRound.Method.OPTIMAL and not built.problem.pins:
        g = greedy(built.problem)
        base = round(float(built.affinity.total[g.items, g.experts].mean()), 4) if len(g.items) else None
    rows = []
    for i, e, pinned in zip(solution.items.tolist(), solution.experts.tolist(), solution.pinned.tolist(), strict=False):
        rows.append(Assignment(round=rnd, item=built.items[i], expert=built.experts[e],
                               affinity=round(float(built.affinity.total[i, e]), 4),
                               reasons=built.affinity.reasons(i, e), pinned=pinned))
    loads = Counter(solution.experts.tolist())
    histogram = Counter(loads.get(n, 0) for n in range(n_experts))
    true_aff = built.affinity.total[solution.items, solution.experts]
    stats = {
        "items": n_items, "experts": n_experts, "assignments": len(rows),
        "covered": int((np.bincount(solution.items, minlength=n_items) >= rnd.reviewers_per_item).sum()),
        "conflicts": int(len(built.conflicts[0])), "mean_affinity": round(float(true_aff.mean()), 4),
        "greedy_mean_affinity": base, "histogram": {str(k): v for k, v in sorted(histogram.items())},
        "method": rnd.method, "seed": rnd.seed, "pruned": bool(solution.pruned),
    }
    with transaction.atomic():
        rnd = ReviewRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.solve_state == "cancelled":
            return None
        Assignment.objects.filter(round=rnd).delete()
        Assignment.objects.bulk_create(rows, batch_size=2000)
        rnd.status = ReviewRound.Status.SOLVED
        rnd.solve_state, rnd.solve_progress, rnd.solve_stats = "done", 100, stats
        rnd.solve_message = f"已分配 {len(rows)} 项次，平均匹配度 {stats['mean_affinity']:.3f}。"
        rnd.save(update_fields=["status", "solve_state", "solve_progress", "solve_stats", "solve_message"])
        record(actor, "experts.round.solve", rnd, rnd.solve_message, **{k: v for k, v in stats.items() if k != "histogram"})
    return stats


def request_solve(rnd: ReviewRound, actor: Any) -> str:
    """Solve inline for a small round, else queue it (huey); returns "done" or "queued". Raises Infeasible inline."""
    if rnd.status not in ROUND_TRANSITIONS["solve"][0]:
        raise ReviewError(f"评审批次当前为“{rnd.get_status_display()}”，不能重新分配。", "status")
    size = rnd.items.count() * rnd.reviewers_per_item
    if size <= INLINE_SOLVE_LIMIT:
        solve_round(rnd, actor)
        return "done"
    from experts.tasks import enqueue_solve

    _set_progress(rnd, "queued", 0, "已排队，等待后台任务处理。")
    enqueue_solve(rnd.pk, getattr(actor, "pk", None))
    return "queued"


def set_pair_rule(rnd: ReviewRound, item: ReviewItem, expert: Expert, kind: str | None, actor: Any) -> None:
    """Pin or exclude an expert for an item (kind None removes the rule); takes effect at the next solve."""
    if item.round_id != rnd.pk:
        raise ReviewError("该项目不属于本评审批次。", "item")
    if rnd.status not in ROUND_TRANSITIONS["solve"][0]:
        raise ReviewError("评审任务已发布，不能再指定或排除专家。", "status")
    with transaction.atomic():
        PairRule.objects.filter(item=item, expert=expert).delete()
        if kind:
            PairRule.objects.create(round=rnd, item=item, expert=expert, kind=kind)
        record(actor, "experts.round.pair_rule", rnd, f"{item.title} · {expert.name}：{kind or '取消'}")


# --------------------------------------------------------------------------------------------------------------
# Experts at work: conflicts declared, reassignment, reviews


def _live(rnd: ReviewRound):
    return Assignment.objects.filter(round=rnd).exclude(status=Assignment.Status.WITHDRAWN)


def replacement_for(item: ReviewItem) -> tuple[Expert, float, dict] | None:
    """The best eligible expert who is not yet on the item: no conflict, no colleague on it, load and yearly cap
    left. Uses the conflicts stored by the last solve plus those computed for newcomers on the fly."""
    rnd = item.round
    experts, room = expert_pool(rnd)
    on_item = set(Assignment.objects.filter(item=item).values_list("expert_id", flat=True))
    orgs_on_item = set(_live(rnd).filter(item=item).exclude(expert__organization=None)
                       .values_list("expert__organization_id", flat=True))
    loads = Counter(_live(rnd).values_list("expert_id", flat=True))
    excluded = set(PairRule.objects.filter(item=item, kind=PairRule.Kind.EXCLUDE).values_list("expert_id", flat=True))
    candidates = [e for e in experts if e.pk not in on_item and e.pk not in excluded
                  and loads.get(e.pk, 0) < min(rnd.max_load, room[e.pk])
                  and (e.organization_id is None or e.organization_id not in orgs_on_item)]
    if not candidates:
        return None
    _, ce, _ = conflict_arrays(rnd, candidates, [item])
    blocked = set(ce.tolist())
    stored = set(Conflict.objects.filter(item=item).values_list("expert_id", flat=True))
    candidates = [e for n, e in enumerate(candidates) if n not in blocked and e.pk not in stored]
    if not candidates:
        return None
    a = aff_mod.compute(items_side([item]), expert_side(candidates), _chain_names())
    best = int(np.argmax(a.total[0]))
    return candidates[best], float(a.total[0, best]), a.reasons(0, best)


def _withdraw_and_replace(user: Any, assignment: Assignment, reason: str, action: str, conflict: bool) -> Assignment | None:
    """Withdraw an assignment (declared conflict, declined or silent invitation) and give the item to the best
    eligible expert left (the reserve is the whole eligible pool, best affinity first)."""
    rnd = assignment.round
    with transaction.atomic():
        a = Assignment.objects.select_for_update().get(pk=assignment.pk)
        a.status, a.withdrawn_reason = Assignment.Status.WITHDRAWN, reason[:200]
        a.save(update_fields=["status", "withdrawn_reason"])
        if conflict:
            Conflict.objects.create(round=rnd, item=a.item, expert=a.expert, reason=Conflict.Reason.DECLARED_ON_ITEM,
                                    detail=reason[:200])
        record(user, action, a, f"{a.expert.name} 退出《{a.item.title}》：{reason}", reason=reason)
        found = replacement_for(a.item)
        if found is None:
            record(user, "experts.reassign.none", a.item, f"《{a.item.title}》无可替补专家，请人工处理")
            return None
        expert, score, why = found
        new = Assignment.objects.create(round=rnd, item=a.item, expert=expert, affinity=round(score, 4), reasons=why)
        Notice.objects.create(expert=expert, round=rnd, kind="reassigned",
                              text=f"新增 1 个待评审项目（{rnd.name}），请于 {timezone.localtime(rnd.deadline):%Y-%m-%d %H:%M} 前提交。")
        record(user, "experts.reassign", new, f"《{a.item.title}》改派给 {expert.name}")
    return new


def manual_candidates(item: ReviewItem, k: int = 30) -> list[Match]:
    """Experts staff may assign to an item by hand, best fit first: admitted, available in the review window, no
    conflict with the item (stored or computed), not yet on it."""
    rnd = item.round
    experts, room = expert_pool(rnd)
    on_item = set(_live(rnd).filter(item=item).values_list("expert_id", flat=True))
    stored = set(Conflict.objects.filter(item=item).values_list("expert_id", flat=True))
    experts = [e for e in experts if e.pk not in on_item and e.pk not in stored and room[e.pk] > 0]
    if not experts:
        return []
    _, ce, _ = conflict_arrays(rnd, experts, [item])
    blocked = set(ce.tolist())
    experts = [e for n, e in enumerate(experts) if n not in blocked]
    if not experts:
        return []
    aff_mod.add_terms([kw for e in experts for kw in e.keyword_list()])
    a = aff_mod.compute(items_side([item]), expert_side(experts), _chain_names())
    order = np.argsort(-a.total[0], kind="stable")[:k]
    return [Match(experts[j], round(float(a.total[0, j]), 3), a.reasons(0, int(j))) for j in order]


def assign_by_hand(actor: Any, item: ReviewItem, expert: Expert, reason: str,
                   replace: Assignment | None = None) -> Assignment:
    """Staff assign an expert to an item by hand, or replace one of its reviewers, with a reason (audited; the new
    reviewer is notified once the round is published). Conflicts still apply; the replaced reviewer's assignment
    is withdrawn with the reason."""
    reason = (reason or "").strip()
    rnd = item.round
    if not reason:
        raise ReviewError("【理由】请写明指定或更换专家的理由（如：原专家出差，改由同领域专家评审）。", "reason")
    if rnd.status not in (ReviewRound.Status.SOLVED, ReviewRound.Status.PUBLISHED):
        raise ReviewError(f"评审批次当前为“{rnd.get_status_display()}”：请先分配专家，分配后（发布前或评审中）可人工指定或更换。", "status")
    if replace is not None and (replace.item_id != item.pk or replace.status == Assignment.Status.WITHDRAWN):
        raise ReviewError("【被更换的专家】不是本项目当前的评审专家，请重新选择。", "replace")
    if replace is not None and replace.status == Assignment.Status.SUBMITTED:
        raise ReviewError(f"【被更换的专家】{replace.expert.name} 已提交评审意见，不能更换。", "replace")
    fit = next((m for m in manual_candidates(item, k=10_000) if m.expert.pk == expert.pk), None)
    if fit is None:
        raise ReviewError(f"【专家】{expert.name} 不能评审本项目：已在本项目中、存在回避关系、未入库或评审期内不可参评，"
                          "或年度评审量已满。", "expert")
    if Assignment.objects.filter(item=item, expert=expert).exists():
        raise ReviewError(f"【专家】{expert.name} 曾退出本项目的评审，不能再指定。", "expert")
    with transaction.atomic():
        if replace is not None:
            Assignment.objects.filter(pk=replace.pk).update(status=Assignment.Status.WITHDRAWN,
                                                            withdrawn_reason=f"市科技局更换：{reason}"[:200])
        new = Assignment.objects.create(round=rnd, item=item, expert=expert, affinity=round(fit.score, 4),
                                        reasons={**fit.reasons, "manual": reason[:200]}, pinned=True)
        if rnd.status == ReviewRound.Status.PUBLISHED:
            Notice.objects.create(expert=expert, round=rnd, kind="assigned",
                                  text=f"新增 1 个待评审项目（{rnd.name}），请于 {timezone.localtime(rnd.deadline):%Y-%m-%d %H:%M} 前提交。")
        what = f"以 {expert.name} 更换 {replace.expert.name}" if replace is not None else f"指定 {expert.name}"
        record(actor, "experts.assign.manual", new, f"《{item.title}》{what}：{reason}", reason=reason,
               replaced=replace.expert_id if replace is not None else None)
    return new


def staff_scores(items: list[ReviewItem]) -> dict[int, dict]:
    """Scores that bureau staff typed on the items' source records themselves (a funding claim's 评审完成 score),
    to be shown beside the experts' reviews. A score copied from a round's aggregate is not a staff score."""
    out: dict[int, dict] = {}
    by_type: dict[int, list[ReviewItem]] = defaultdict(list)
    for it in items:
        if it.content_type_id and it.object_id:
            by_type[it.content_type_id].append(it)
    for ct_id, its in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None or not hasattr(model, "scores"):
            continue
        values = dict(model.objects.filter(pk__in=[it.object_id for it in its]).values_list("pk", "scores"))
        for it in its:
            sc = values.get(int(it.object_id)) if it.object_id.isdigit() else None
            if isinstance(sc, dict) and sc.get("total") is not None and not sc.get("round"):
                out[it.pk] = {"total": sc["total"], "opinion": sc.get("opinion", "")}
    return out


def _check_open(assignment: Assignment) -> None:
    if assignment.round.status != ReviewRound.Status.PUBLISHED:
        raise ReviewError("评审未在进行中，不能申请回避或谢绝。", "status")
    if assignment.status != Assignment.Status.ASSIGNED:
        raise ReviewError("该项目已提交评审意见或已回避，不能再申请回避或谢绝。", "status")


def declare_conflict(user: Any, assignment: Assignment, reason: str) -> Assignment | None:
    """The expert declares a conflict on an assigned item: the assignment is withdrawn, the conflict kept (a hard
    constraint from now on) and the best eligible expert replaces them. Returns the new assignment (None: nobody
    eligible is left; the bureau sees the item short)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("请填写回避原因（如：与申报单位存在合作关系）。", "reason")
    _check_open(assignment)
    return _withdraw_and_replace(user, assignment, reason, "experts.conflict.declare", conflict=True)


def decline(user: Any, assignment: Assignment, reason: str) -> Assignment | None:
    """The expert declines the invitation (no time, outside their field): replaced like a conflict, but no conflict
    is recorded."""
    reason = (reason or "").strip() or "专家谢绝"
    _check_open(assignment)
    return _withdraw_and_replace(user, assignment, reason, "experts.invitation.decline", conflict=False)


def accept(user: Any, assignment: Assignment) -> None:
    _check_open(assignment)
    Assignment.objects.filter(pk=assignment.pk, accepted_at__isnull=True).update(accepted_at=timezone.now())
    record(user, "experts.invitation.accept", assignment, f"接受评审《{assignment.item.title}》")


def replace_silent(now: dt.datetime | None = None) -> int:
    """Invitations neither accepted nor answered within the round's response period go to reserve experts."""
    now = now or timezone.now()
    replaced = 0
    for rnd in ReviewRound.objects.filter(status=ReviewRound.Status.PUBLISHED, response_days__gt=0,
                                          published_at__isnull=False):
        if rnd.published_at + dt.timedelta(days=rnd.response_days) > now:
            continue
        for a in rnd.assignments.filter(status=Assignment.Status.ASSIGNED, accepted_at__isnull=True,
                                        created_at__lte=now - dt.timedelta(days=rnd.response_days)).select_related("item", "expert__person", "round"):
            _withdraw_and_replace(None, a, f"{rnd.response_days} 天内未接受邀请", "experts.invitation.silent", conflict=False)
            replaced += 1
    return replaced


def _decimal(value: Any, label: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ReviewError(f"【{label}】“{value}”不是数字，请填写分数。", label) from None
    if not d.is_finite():
        raise ReviewError(f"【{label}】请填写有效的分数。", label)
    return d


def submit_review(user: Any, assignment: Assignment, scores: dict[str, Any], comment: str,
                  now: dt.datetime | None = None) -> Review:
    """Score an assigned item against the round's criteria, before the deadline. Editing is allowed until then."""
    from experts.access import expert_of

    now = now or timezone.now()
    rnd = assignment.round
    expert = expert_of(user)
    if expert is None or assignment.expert_id != expert.pk or assignment.status == Assignment.Status.WITHDRAWN:
        raise ReviewError("该项目未分配给您评审，不能提交评分。", "assignment")
    if rnd.status != ReviewRound.Status.PUBLISHED:
        raise ReviewError("评审未在进行中，不能提交评分。", "status")
    if now > rnd.deadline:
        raise ReviewError(f"已过提交截止时间（{timezone.localtime(rnd.deadline):%Y-%m-%d %H:%M}），不能再提交或修改评审意见。", "deadline")
    clean: dict[str, str] = {}
    total = Decimal(0)
    for c in rnd.criteria_list():
        name, top = c["name"], Decimal(str(c["max"]))
        raw = scores.get(name)
        if raw is None or str(raw).strip() == "":
            raise ReviewError(f"【{name}】请填写得分（0 到 {top} 分）。", name)
        v = _decimal(raw, name)
        if v < 0 or v > top:
            raise ReviewError(f"【{name}】得分 {v} 超出范围：应在 0 到 {top} 分之间。", name)
        clean[name] = str(v)
        total += v
    total = total.quantize(Decimal("0.01"))
    comment = (comment or "").strip()
    if len(comment) < 5:
        raise ReviewError("【评审意见】请填写评审意见（至少 5 个字）。", "comment")
    with transaction.atomic():
        review, _ = Review.objects.update_or_create(assignment=assignment,
                                                    defaults={"scores": clean, "total": total, "comment": comment})
        Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.SUBMITTED,
                                                           accepted_at=assignment.accepted_at or timezone.now())
        record(user, "experts.review.submit", assignment, f"提交评审《{assignment.item.title}》", total=str(total))
    return review


def send_reminders(now: dt.datetime | None = None, days: int = REMINDER_DAYS) -> int:
    """One reminder per expert and round when the deadline is within ``days`` and reviews are still open."""
    now = now or timezone.now()
    rounds = ReviewRound.objects.filter(status=ReviewRound.Status.PUBLISHED, deadline__gt=now,
                                        deadline__lte=now + dt.timedelta(days=days))
    sent = 0
    for rnd in rounds:
        pending = Counter(rnd.assignments.filter(status=Assignment.Status.ASSIGNED).values_list("expert_id", flat=True))
        have = set(Notice.objects.filter(round=rnd, kind="reminder").values_list("expert_id", flat=True))
        new = [Notice(expert_id=e, round=rnd, kind="reminder",
                      text=f"提醒：{rnd.name} 还有 {n} 个项目未提交，截止时间 {timezone.localtime(rnd.deadline):%Y-%m-%d %H:%M}。")
               for e, n in pending.items() if e not in have]
        Notice.objects.bulk_create(new)
        sent += len(new)
    return sent


# --------------------------------------------------------------------------------------------------------------
# Aggregation


@dataclass
class ScoreLine:
    assignment_id: int
    expert_id: int
    expert_name: str
    total: float
    normalized: float
    outlier: bool


@dataclass
class ItemScore:
    item: ReviewItem
    n: int
    expected: int
    mean: float | None
    trimmed_mean: float | None
    normalized: float | None
    spread: float | None
    lines: list[ScoreLine]

    @property
    def outliers(self) -> int:
        return sum(1 for line in self.lines if line.outlier)


def _trimmed(values: list[float]) -> float:
    """Mean without the highest and the lowest score once there are at least 4 scores (scipy's trim_mean at 20%)."""
    from scipy.stats import trim_mean

    if len(values) < 4:
        return float(np.mean(values))
    return float(trim_mean(values, 0.2 if len(values) < 10 else 0.1))


def aggregate(rnd: ReviewRound) -> list[ItemScore]:
    """Per item: mean, trimmed mean and the mean of per-reviewer normalised scores; outliers flagged.

    Normalisation: each reviewer's scores in the round are turned into z-scores (a reviewer who scores everybody
    high counts the same as one who scores everybody low) and mapped back onto the scale with the round's overall
    mean and standard deviation. A reviewer with one score or no spread keeps the overall mean. Outlier (with three
    scores or more): a score more than a quarter of the full scale away from the median of the item's scores."""
    reviews = list(Review.objects.filter(assignment__round=rnd).select_related("assignment__expert__person")
                   .values_list("assignment_id", "assignment__item_id", "assignment__expert_id",
                                "assignment__expert__person__name", "total"))
    items = list(rnd.items.order_by("id"))
    expected = dict(_live(rnd).values("item_id").annotate(n=Count("id")).values_list("item_id", "n"))
    totals = np.array([float(r[4]) for r in reviews])
    overall_mean = float(totals.mean()) if len(totals) else 0.0
    overall_sd = float(totals.std()) if len(totals) > 1 else 0.0
    by_expert: dict[int, list[float]] = defaultdict(list)
    for r in reviews:
        by_expert[r[2]].append(float(r[4]))
    stats = {e: (float(np.mean(v)), float(np.std(v))) for e, v in by_expert.items()}
    by_item: dict[int, list[ScoreLine]] = defaultdict(list)
    top = float(rnd.total_max)
    for a_id, item_id, e_id, name, total in reviews:
        mu, sd = stats[e_id]
        z = (float(total) - mu) / sd if sd > 1e-9 else 0.0
        norm = min(max(overall_mean + z * overall_sd, 0.0), top)
        by_item[item_id].append(ScoreLine(a_id, e_id, name, float(total), round(norm, 2), False))
    out = []
    limit = float(OUTLIER_SHARE) * top
    for it in items:
        lines = by_item.get(it.pk, [])
        vals = [line.total for line in lines]
        if len(vals) >= 3:
            median = float(np.median(vals))
            for line in lines:
                line.outlier = abs(line.total - median) > limit
        out.append(ItemScore(
            item=it, n=len(vals), expected=expected.get(it.pk, 0),
            mean=round(float(np.mean(vals)), 2) if vals else None,
            trimmed_mean=round(_trimmed(vals), 2) if vals else None,
            normalized=round(float(np.mean([line.normalized for line in lines])), 2) if lines else None,
            spread=round(float(np.std(vals)), 2) if len(vals) > 1 else None, lines=lines,
        ))
    return out


def aggregated_scores(rnd: ReviewRound) -> list[dict]:
    """For the funding workflow's committee: per item, without reviewer identities."""
    return [{
        "item_id": s.item.pk, "title": s.item.title,
        "content_type": s.item.content_type_id and f"{s.item.content_type.app_label}.{s.item.content_type.model}",
        "object_id": s.item.object_id, "reviews": s.n, "expected": s.expected, "mean": s.mean,
        "trimmed_mean": s.trimmed_mean, "normalized": s.normalized, "outliers": s.outliers,
    } for s in aggregate(rnd)]


# --------------------------------------------------------------------------------------------------------------
# Round overview for staff


def round_overview(rnd: ReviewRound) -> dict:
    live = _live(rnd)
    n_items = rnd.items.count()
    per_item = Counter(live.values_list("item_id", flat=True))
    covered = sum(1 for n in per_item.values() if n >= rnd.reviewers_per_item)
    loads = Counter(live.values_list("expert_id", flat=True))
    hist = Counter(loads.values())
    submitted = live.filter(status=Assignment.Status.SUBMITTED).count()
    return {
        "items": n_items, "covered": covered, "short": n_items - covered, "assignments": live.count(),
        "submitted": submitted, "experts_used": len(loads),
        "histogram": sorted(hist.items()),
        "histogram_max": max(hist.values()) if hist else 0,
        "conflicts": rnd.conflicts.count(),
        "conflicts_by_reason": [(dict(Conflict.Reason.choices)[r], n) for r, n in
                                sorted(Counter(rnd.conflicts.values_list("reason", flat=True)).items())],
    }


# --------------------------------------------------------------------------------------------------------------
# Matching experts to an enterprise's technical need (technology market)


@dataclass
class Match:
    expert: Expert
    score: float
    reasons: dict


def experts_for_text(text: str, chain: IndustryChain | str | None = None, k: int = 10,
                     disciplines: list[str] | None = None, exclude_organization: int | None = None) -> list[Match]:
    """The ``k`` admitted experts who fit a text best (an enterprise's need, a project description), with the
    shared terms, disciplines and chain that make them fit. The enterprise's own staff are left out when
    ``exclude_organization`` is given."""
    if isinstance(chain, str):
        chain = IndustryChain.objects.filter(Q(code=chain) | Q(name=chain)).first()
    if not (text or "").strip() and chain is None and not disciplines:
        raise ReviewError("请填写需求描述或选择产业链。", "text")
    experts = list(Expert.objects.filter(status=Expert.Status.ADMITTED).select_related("person", "organization")
                   .prefetch_related("chains").order_by("id"))
    if exclude_organization:
        experts = [e for e in experts if e.organization_id != exclude_organization]
    if not experts:
        return []
    aff_mod.add_terms([kw for e in experts for kw in e.keyword_list()])
    side = aff_mod.Side([text or ""], [list(disciplines or [])], [[chain.code] if chain else []])
    a = aff_mod.compute(side, expert_side(experts), _chain_names())
    row = a.total[0]
    order = np.argsort(-row, kind="stable")[:k]
    return [Match(experts[j], round(float(row[j]), 3), a.reasons(0, int(j))) for j in order if row[j] > 0]


def is_industry_org(org: Organization | None) -> bool:
    return bool(org and org.kind == OrganizationKind.ENTERPRISE)
