"""Expert review of claims in the 评审 step, through the experts app (issue 14).

Bureau staff start one review round for a programme's claims in the 评审 step: each claim is an item of the round
(title, an abstract from the claim's text, the applicant organisation as party so that its experts are avoided),
with the claim as the item's source. The claim page then shows the round's aggregated scores (mean, trimmed mean,
normalised) — never the reviewers' names, to anybody on the funding pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.audit import record
from funding import access
from funding.models import Claim, ClaimEvent, Programme
from funding.services import FundingError

REVIEW_STATE = "review"


def _claim_type() -> ContentType:
    return ContentType.objects.get_for_model(Claim)


def items_of(claims: list[Claim] | list[int]):
    from experts.models import ReviewItem

    ids = [str(c if isinstance(c, int) else c.pk) for c in claims]
    return ReviewItem.objects.filter(content_type=_claim_type(), object_id__in=ids)


def claims_awaiting_round(user: Any, programme: Programme) -> list[Claim]:
    """The programme's claims in the 评审 step that are not yet an item of any review round."""
    qs = access.visible_claims(user).filter(programme=programme, state=REVIEW_STATE).order_by("id")
    taken = set(items_of(list(qs.values_list("pk", flat=True))).values_list("object_id", flat=True))
    return [c for c in qs if str(c.pk) not in taken]


def start_expert_review(user: Any, programme: Programme, deadline: dt.datetime | None = None,
                        claim_ids: list[int] | None = None, name: str = "", **settings: Any):
    """One round for the programme's claims in the 评审 step (or the selected ones); all or nothing."""
    from experts import services as experts

    if not access.is_bureau(user):
        raise FundingError("只有市科技局可以发起专家评审。")
    claims = claims_awaiting_round(user, programme)
    if claim_ids is not None:
        wanted = set(claim_ids)
        unknown = wanted - {c.pk for c in claims}
        if unknown:
            raise FundingError(f"申报 {'、'.join(f'#{i}' for i in sorted(unknown))} 不在本专项的评审环节，"
                               "或已在其他评审批次中，请重新选择。", "claims")
        claims = [c for c in claims if c.pk in wanted]
    if not claims:
        raise FundingError(f"{programme} 没有处于评审环节、尚未安排专家评审的申报。", "claims")
    deadline = deadline or timezone.now() + dt.timedelta(days=14)
    if deadline <= timezone.now():
        raise FundingError("评审截止时间：须晚于现在。", "deadline")
    items = [{
        "title": (c.project_title or c.title)[:200],
        "abstract": "\n".join(x for x in (c.summary, c.explanation, f"依据：{c.citation}") if x),
        "applicant": c.organization, "applicant_name": c.organization.name, "source": c,
    } for c in claims]
    try:
        with transaction.atomic():
            rnd = experts.create_round(user, name=name or f"{programme} 专家评审（{len(claims)} 项）"[:120],
                                       deadline=deadline, items=items, programme=str(programme)[:120], **settings)
            ClaimEvent.objects.bulk_create([
                ClaimEvent(claim=c, transition="review_round", from_state=c.state, to_state=c.state,
                           actor=user, reason=f"纳入专家评审批次「{rnd.name}」", data={"round": rnd.pk})
                for c in claims])
            record(user, "funding.review_round", programme, f"发起专家评审 {rnd.name}", claims=len(claims))
    except experts.ReviewError as exc:
        raise FundingError(f"专家评审：{exc}", "round") from exc
    return rnd


def scores_for_claim(claim: Claim) -> list[dict]:
    """The aggregated scores of every round the claim is an item of (no reviewer identities)."""
    from experts import services as experts

    out = []
    for item in items_of([claim]).select_related("round").order_by("id"):
        row = next((s for s in experts.aggregated_scores(item.round) if s["item_id"] == item.pk), None)
        if row is None:
            continue
        out.append({"round": item.round.name, "round_id": item.round_id, "status": item.round.get_status_display(),
                    "scale": item.round.total_max, "reviews": row["reviews"], "expected": row["expected"],
                    "mean": row["mean"], "trimmed_mean": row["trimmed_mean"], "normalized": row["normalized"]})
    return out


def score_summary(claim: Claim) -> dict:
    """What the 评审完成 step stores on the claim when staff give no score of their own: the latest round's."""
    rows = [r for r in scores_for_claim(claim) if r["reviews"]]
    if not rows:
        return {}
    r = rows[-1]
    return {"total": r["normalized"], "mean": r["mean"], "trimmed_mean": r["trimmed_mean"],
            "normalized": r["normalized"], "reviews": r["reviews"], "round": r["round"]}
