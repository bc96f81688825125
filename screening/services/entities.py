"""One entity: what it can claim, where its claims stand, and the notices it receives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.audit import account, record
from registry.models import Organization
from screening.models import Notice, ScreeningResult, ScreeningRun
from screening.services.selection import ScreeningInputError


def _money(amount: Decimal | int | None) -> str:
    return f"{Decimal(amount or 0):,.2f}"


def describe(r: Any, claim: ClaimState | None = None) -> str:
    """One line a clerk can read aloud: provision, citation, amount or ceiling (and its claim, where there is one)."""
    citation = "，".join(x for x in (r.document, r.article) if x)
    money = ("最高 " if r.is_ceiling else "") + _money(r.amount) + " 元"
    return f"{r.title}（{citation}）：{money}" + (f"——{claim.text()}" if claim else "")


def notice_body(results: Iterable[Any], year: int,
                claims: dict[tuple[int, str, int], ClaimState] | None = None) -> str:
    """The notice of a screening: what the organisation can claim, and for what it has claimed, where that claim
    stands (not offered as 可享受 again)."""
    results = list(results)
    claims = claims or {}
    found = [(r, claims.get((r.organization_id, r.provision_id, year))) for r in results]
    open_ = [(r, c) for r, c in found if c is None]
    claimed = [(r, c) for r, c in found if c is not None]
    lines = []
    if open_:
        lines.append(f"经平台依据登记信息测算，贵单位 {year} 年度可享受以下政策（免申即享，供核对）：")
    for i, (r, _) in enumerate(open_, 1):
        lines.append(f"{i}. {describe(r)}")
        if r.explanation:
            lines.append(f"   说明：{r.explanation}")
    if claimed:
        lines.append(f"贵单位 {year} 年度已申报的政策：")
    for i, (r, c) in enumerate(claimed, 1):
        lines.append(f"{i}. {describe(r, c)}")
    lines.append("“最高”为上限金额，需经评审确定；如登记信息有误，请在平台更正。")
    return "\n".join(lines)


def send_notices(user: Any, run: ScreeningRun, organization_ids: Iterable[int] | None = None) -> int:
    """Create one in-platform notice per listed organisation (once per run); returns how many were new."""
    if run.kind != ScreeningRun.Kind.SCREENING or run.status != ScreeningRun.Status.DONE:
        raise ScreeningInputError("只能对已完成的政策筛查发送通知。")
    applies = run.results.filter(status=ScreeningResult.Status.APPLIES)
    if organization_ids is not None:
        applies = applies.filter(organization_id__in=list(organization_ids))
    already = set(Notice.objects.filter(run=run).values_list("organization_id", flat=True))
    per_org: dict[int, list] = defaultdict(list)
    for r in applies.exclude(organization_id__in=already).order_by("organization_id", "-amount"):
        per_org[r.organization_id].append(r)
    claims = claim_states(per_org, [run.year])
    notices = [
        Notice(organization_id=org_id, run=run, title=f"{run.year} 年度可享受政策提示（{len(items)} 项）",
               body=notice_body(items, run.year, claims), link=f"/screening/mine/?year={run.year}",
               created_by=account(user))
        for org_id, items in per_org.items()
    ]
    Notice.objects.bulk_create(notices, batch_size=2000, ignore_conflicts=True)
    record(user, "screening.notices_sent", run, f"筛查 #{run.pk} 向 {len(notices)} 家主体发送政策提示通知",
           count=len(notices))
    return len(notices)


# --------------------------------------------------------------------------------------------------------------
# One entity: what it can claim; claim drafts; notices


def entity_organization(user: Any) -> Organization | None:
    if not getattr(user, "is_authenticated", False) or not user.organization_id:
        return None
    return user.organization


def latest_fact_year(org: Organization) -> int:
    """The latest year (up to this year) for which the registry holds the entity's yearly facts, else last year."""
    this_year = timezone.localdate().year
    latest = (org.annual_facts.filter(year__lte=this_year).order_by("-year").values_list("year", flat=True).first())
    return latest or this_year - 1


def entitlements(org: Organization, years: Iterable[int]) -> list[dict]:
    """Per year: the provisions that apply and those nearly met (with what is missing), read from the kept results
    (screening.services.kept: computed once per change of the entity's facts or of the rules, not per request)."""
    from screening.services import kept

    out = []
    years = list(years)
    claims = claim_states([org.pk], years)
    results = kept.read(org, years)
    for year in years:
        applies = [r for r in results[year] if r.status == "applies"]
        for r in applies:  # an entitlement already claimed shows its claim instead of 申报 (issue 26 item 11)
            r.claim = claims.get((org.pk, str(r.provision_id), year))
        near = [r for r in results[year] if r.status == "near"]
        out.append({
            "year": year, "applies": applies, "near": near,
            "entitlement": sum((Decimal(r.amount or 0) for r in applies if not r.is_ceiling), Decimal(0)),
            "ceiling": sum((Decimal(r.amount or 0) for r in applies if r.is_ceiling), Decimal(0)),
        })
    return out


@dataclass(frozen=True)
class ClaimState:
    """Where an entitlement's claim (funding) stands, in the applicant's words: 已拨付 and the amount paid, or
    已申报 with its step and the amount claimed or decided."""

    pk: int
    state: str
    amount: Decimal

    @property
    def paid(self) -> bool:
        return self.state == "paid"

    @property
    def label(self) -> str:
        from funding.money import state_label

        if self.paid:
            return "已拨付"
        return "已建申报，未提交" if self.state == "draft" else f"已申报（{state_label(self.state)}）"

    def text(self) -> str:
        from core.formatting import money

        return f"{self.label}，{'拨付' if self.paid else '金额'} {money(self.amount)}"


def claim_states(org_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, str, int], ClaimState]:
    """(organisation, provision, year) → its claim's state, read from funding's claims (one query)."""
    from funding.money import claim_rows

    out: dict[tuple[int, str, int], ClaimState] = {}
    for r in claim_rows(organization_id__in=list(org_ids), year__in=list(years)):
        if r.provision_id:
            out.setdefault((r.organization_id, r.provision_id, r.year),
                           ClaimState(r.pk, r.state, r.decided_amount if r.decided_amount is not None else r.entitled_amount))
    return out


def notices_for(org: Organization) -> QuerySet[Notice]:
    return Notice.objects.filter(organization=org)


def mark_all_read(org: Organization) -> int:
    """全部标为已读: every unread notice of the organisation, in one statement; returns how many."""
    return Notice.objects.filter(organization=org, read_at__isnull=True).update(read_at=timezone.now())


def mark_read(org: Organization, notice_id: int) -> Notice:
    notice = Notice.objects.get(pk=notice_id, organization=org)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
