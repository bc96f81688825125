"""Checks that run again later than submission: eligibility and the blacklist at payment time, and the cross-
programme check for the same project submitted twice (重复申报)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from funding.models import Claim
from funding.services import FundingError, check_call_eligibility, check_not_blacklisted, money

JACCARD_THRESHOLD = 0.8
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


#: Provisions whose amount another app decides by its own rules on its own records (scifinance's pool loss claims under
#: A 第19条: the city's share of a documented loss); apps add to it in AppConfig.ready(). The engine is not asked again
#: for these at payment time.
DECIDED_ELSEWHERE: set[str] = set()


def check_payable(claim: Claim, amount: Decimal) -> None:
    """At payment time: the payee is not on the blacklist now, and the policy engine still grants the provision
    (for this organisation and year) at least the amount to be paid; a call's eligibility rule is asked again."""
    from policy import services as engine

    check_not_blacklisted(claim.organization, "获得拨付")
    from policy.catalogue import BY_ID

    # Only provisions the engine computes per organisation are re-checked; claims that other apps create for their
    # own decisions (voucher settlements, loss claims, challenges) carry ids the engine does not know.
    if (claim.provision_id in BY_ID and claim.provision_id not in DECIDED_ELSEWHERE
            and claim.origin in (Claim.Origin.REDEMPTION, Claim.Origin.PROACTIVE)):
        result = engine.evaluate_organization(claim.organization, claim.year)
        match = next((r for r in result.results if str(r.provision_id) == claim.provision_id), None)
        if match is None or match.status != "applies":
            missing = getattr(match, "missing", "") if match else ""
            raise FundingError(f"拨付前复核：经政策测算，{claim.organization.name} {claim.year} 年度已不符合"
                               f"{claim.citation}{'（尚缺：' + str(missing) + '）' if missing else ''}，暂停拨付；"
                               "请市科技局核实后处理。", "eligibility")
        granted = Decimal(str(match.amount or 0))
        paid_before = sum((e.paid_delta for e in claim.entries.all()), Decimal(0))  # net of reversals
        if paid_before + amount > granted:
            raise FundingError(f"拨付前复核：经政策测算，{claim.citation}现可享 {money(granted)} 元，"
                               f"本次拨付后累计 {money(paid_before + amount)} 元将超过该金额，暂停拨付；"
                               "请市科技局核实后处理。", "eligibility")
    elif claim.call_id:
        try:
            check_call_eligibility(claim.call, claim.organization)
        except FundingError as exc:
            raise FundingError(f"拨付前复核：{exc}，暂停拨付。", "eligibility") from None


def normalise_title(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation: 「智能 控制系统（一期）」= 「智能控制系统(一期)」."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


@lru_cache(maxsize=4096)
def _tokens(text: str) -> frozenset[str]:
    from experts.affinity import _jieba

    return frozenset(t for t in _jieba().lcut(normalise_title(text)) if t.strip())


def jaccard(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def possible_duplicates(claim: Claim) -> list[tuple[Claim, float, str]]:
    """Other live claims of the same organisation, in any programme, whose project title is the same once normalised
    or shares ≥ 80 % of its jieba tokens (Jaccard). Returns (claim, similarity, why)."""
    title = claim.project_title
    if not title.strip():
        return []
    others = Claim.objects.filter(organization_id=claim.organization_id).exclude(pk=claim.pk) \
        .exclude(project_title="").exclude(state__in=("withdrawn", "rejected")).select_related("programme")
    out = []
    norm = normalise_title(title)
    for other in others:
        if normalise_title(other.project_title) == norm:
            out.append((other, 1.0, "项目名称相同"))
            continue
        score = jaccard(title, other.project_title)
        if score >= JACCARD_THRESHOLD:
            out.append((other, round(score, 2), f"项目名称相似度 {score:.0%}"))
    return out
