"""The one door to money: every other app claims, caps, commits and pays through this module, and reads funding's
claims and ledger through its read functions. Nothing outside funding imports ``funding.models`` or funding's other
modules (an import-linter contract in pyproject.toml; a runtime test records every write to a funding table and
checks that it was made from inside funding).

What goes through here, by kind of programme (``Programme.kind`` decides which claims may use it):

- 政策兑现 / 免申即享 (entitlement) — ``claim_entitlement``, ``create_proactive_claims``; B 第14条 contract
  subsidies draw on a 技术合同补助 programme and A 第16条 incubation rewards on a 孵化奖励 programme where the year has
  one, else on the year's 政策兑现 programme;
- 创新券 settlements (voucher) and 风险补偿 loss compensation (risk_pool) — ``open_claim`` then ``perform``;
- 揭榜挂帅 milestones (challenge) — funding's own project pages (``funding.projects``);
- caps of every kind (claims, 人才贷, 备案, 创新券) — ``assess`` / ``reserve`` under ``CapCounter`` row locks.

Every step is ``perform``: the claim's row lock, the budget line's, the cap row's, the idempotency key of each ledger
entry, the history, the audit record and the notice, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum

from core.audit import account, record
from funding import caps, workflow
from funding.caps import Ask, Assessment, CapKey, Refusal, assess, person, reserve
from funding.caps import lock as lock_caps
from funding.models import BlacklistEntry, BudgetLine, Claim, LedgerEntry, Programme
from funding.services import (
    Balance,
    FundingError,
    _ensure_cap,
    _event,
    add_budget_line,
    attach,
    blacklist_entry,
    check_not_blacklisted,
    clawback,
    confirm_budget_line,
    create_claim_from_entitlement,
    create_proactive_claims,
    create_programme,
    line_balance,
    money_received,
    perform,
    programme_totals,
)

__all__ = [
    "Ask", "Assessment", "Balance", "CapKey", "ClaimRow", "FundingError", "Refusal", "add_budget_line", "assess",
    "attach", "blacklist_entry", "blacklist_periods", "budget_lines", "check_not_blacklisted", "claim_entitlement",
    "claim_rows", "claim_state", "claims_of", "decided_elsewhere", "clawback", "confirm_budget_line", "create_proactive_claims", "create_programme",
    "entries", "line_balance", "line_with_room", "lock_caps", "money_received", "open_claim", "paid_by_article", "paid_between",
    "advance", "payment_of", "perform", "person", "programme_available", "programme_totals", "reserve", "state_label",
]


# ------------------------------------------------------------------------------------------- claims


def claim_entitlement(user: Any, org: Any, provision_id: str, year: Any, event_key: str = "") -> tuple[Claim, bool]:
    """政策兑现 (including B 第14条 and A 第16条): the engine's amount, against a programme of the claim's kind."""
    return create_claim_from_entitlement(user, org, provision_id, year, event_key)


def open_claim(user: Any, programme: Programme, organization: Any, *, provision_id: str, title: str, document: str,
               article: str, year: int, amount: Decimal, explanation: str = "", event_key: str = "",
               bank_name: str = "", bank_account: str = "", evidence: Sequence[tuple[str, str, bytes]] = (),
               submit: bool = True, cap: str = "amount") -> Claim:
    """A claim that another app's own rule has computed (a voucher settlement's part, a loss compensation): checked
    against the programme's kind (a pool programme takes no enterprise claim), its evidence attached, submitted.

    The claim's identity — (organisation, provision, year, event) — is its idempotency key: a second call with the same
    identity answers with the claim already made, never a second one. ``cap`` is the organisation's yearly cap under
    the provision: "amount" (this claim's amount, the default) or "sum" (a provision without a yearly cap, such as
    A 第19条: the year's cap grows by each claim's amount, under the cap row's lock)."""
    lookup = {"organization": organization, "provision_id": provision_id, "year": year, "event_key": event_key}
    existing = Claim.objects.filter(**lookup).first() if provision_id else None
    if existing is not None:
        return existing
    with transaction.atomic():
        claim = Claim(programme=programme, origin=Claim.Origin.REDEMPTION, title=title[:200], document=document[:120],
                      article=article[:60], is_ceiling=False, entitled_amount=amount, explanation=explanation,
                      bank_name=bank_name[:100], bank_account="".join(str(bank_account or "").split()),
                      created_by=account(user), **lookup)
        try:
            claim.full_clean()
        except ValidationError as exc:  # the programme's kind, a bank account, a length: in Chinese, naming the field
            field, messages = next(iter(exc.message_dict.items()))
            raise FundingError("；".join(messages), field) from None
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:  # the same claim made by a parallel request
            return Claim.objects.get(**lookup)
        if cap == "sum":
            caps.raise_limit(CapKey(provision_id, year, organization.pk), amount)
        else:
            _ensure_cap(organization, provision_id, year, amount)
        _event(claim, "create", user, "", explanation[:200])
        record(user, "funding.claim_created", claim, f"{organization.name} 申报 {claim.title}")
        for label, filename, data in evidence:
            attach(user, claim, label, filename, data)
        if submit:
            perform(user, claim.pk, "submit")
            claim.refresh_from_db()
    return claim


def advance(user: Any, claim_ids: Iterable[int], step: str, when: str, **kwargs: Any) -> int:
    """Fire ``step`` on each of the claims that stands at ``when`` (a batch's claims: end the 公示, pay); returns how
    many moved. Each is its own ``perform`` with its own locks and idempotency key."""
    n = 0
    for pk in claim_ids:
        if Claim.objects.filter(pk=pk, state=when).exists():
            perform(user, pk, step, **kwargs)
            n += 1
    return n


def decided_elsewhere(provision_id: str) -> None:
    """A provision whose amount another app's rule decides (A 第19条: the pool's rule on the defaulted loan), not the
    engine's yearly figure: funding's payment-time re-check leaves its amount alone."""
    from funding import checks

    checks.DECIDED_ELSEWHERE.add(provision_id)


# ------------------------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class ClaimRow:
    pk: int
    organization_id: int
    provision_id: str
    year: int
    state: str
    decided_amount: Decimal | None
    entitled_amount: Decimal


def claim_rows(**filters: Any) -> list[ClaimRow]:
    """Claims as plain rows (organisation_id__in, year__in, provision_id, organization…), oldest event first."""
    rows = Claim.objects.filter(**filters).order_by("event_key", "id").values_list(
        "pk", "organization_id", "provision_id", "year", "state", "decided_amount", "entitled_amount")
    return [ClaimRow(*r) for r in rows]


def claims_of(organization: Any, provision_id: str) -> QuerySet[Claim]:
    """An organisation's claims under one provision (read only), newest first."""
    return Claim.objects.filter(organization=organization, provision_id=provision_id).order_by("-id")


def claim_state(claim_id: int) -> str:
    return Claim.objects.filter(pk=claim_id).values_list("state", flat=True).first() or ""


def state_label(state: str) -> str:
    """A claim state in the staff's words (e.g. 公示中)."""
    return workflow.STATES.get(state, ("", state))[1]


def entries(claim_ids: Iterable[int]) -> QuerySet[LedgerEntry]:
    """The ledger entries of these claims (read only), with their budget lines."""
    return LedgerEntry.objects.filter(claim__in=list(claim_ids)).select_related("budget_line").order_by("id")


def payment_of(claim_id: int) -> LedgerEntry:
    return LedgerEntry.objects.get(claim_id=claim_id, kind=LedgerEntry.Kind.PAYMENT, reversed_by__isnull=True)


def budget_lines(programme: Programme, confirmed: bool = True) -> QuerySet[BudgetLine]:
    qs = BudgetLine.objects.filter(programme=programme).order_by("id")
    return qs.filter(confirmed_at__isnull=False) if confirmed else qs


def line_with_room(programme: Programme, amount: Decimal) -> BudgetLine | None:
    """The first confirmed budget line of the programme with at least ``amount`` available (a preview; the decision
    checks again under the line's lock)."""
    return next((line for line in budget_lines(programme) if line_balance(line).available >= amount), None)


def programme_available(programme: Programme) -> Decimal:
    """Allocated − committed − paid (clawbacks and reversals included) over the programme's budget lines."""
    return programme_totals(programme).available


def paid_between(programme: Programme, start: dt.date, end: dt.date) -> Decimal:
    return LedgerEntry.objects.filter(budget_line__programme=programme, kind=LedgerEntry.Kind.PAYMENT,
                                      created_at__date__range=(start, end)).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def paid_by_article() -> QuerySet:
    """Money paid out of the ledger, net of clawbacks and reversals, by document and article: rows of
    {document, article, paid, n}."""
    from django.db.models import Count

    return LedgerEntry.objects.values("document", "article").annotate(paid=Sum("paid_delta"), n=Count("id"))


def blacklist_periods(org_ids: Iterable[int]) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Confirmed 科研失信 periods by organisation (one query, for a batch of loans)."""
    out: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for org_id, a, b in BlacklistEntry.objects.filter(organization_id__in=list(org_ids), confirmed=True).values_list(
            "organization_id", "starts_on", "ends_on"):
        out.setdefault(org_id, []).append((a, b))
    return out
