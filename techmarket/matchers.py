"""Matching both ways over the database: need → achievements, research teams, experts; achievement → enterprises.

Indexes are built from the database and kept per process until the data they cover changes (a cheap fingerprint
query decides). Experts come from the expert database's matcher (techmarket.experts), the one the review rounds use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from registry.models import IndustryChain, Organization
from techmarket.experts import get_expert_matcher
from techmarket.matching import Hit, TextIndex
from techmarket.models import Achievement, ListingStatus, Maturity, TechNeed

MATURITY_CODES = {code: i for i, code in enumerate(Maturity.values)}
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, TextIndex]] = {}
CHAIN_BONUS = 5.0  # points (of 100) for the same industry chain; named as a reason


def _chains() -> dict[int, str]:
    return dict(IndustryChain.objects.values_list("id", "name"))


def _cached(name: str, fingerprint: tuple, build: Callable[[], TextIndex]) -> TextIndex:
    with _lock:
        hit = _cache.get(name)
        if hit and hit[0] == fingerprint:
            return hit[1]
    index = build()
    with _lock:
        _cache[name] = (fingerprint, index)
    return index


def clear() -> None:
    with _lock:
        _cache.clear()


def _public(qs):
    import datetime as dt

    return qs.filter(status=ListingStatus.PUBLISHED).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=dt.date.today()))


def achievement_index() -> TextIndex:
    qs = _public(Achievement.objects.all())
    fp = tuple(qs.aggregate(n=Count("id"), m=Max("id"), p=Max("published_at"), e=Max("expires_on")).values())

    def build() -> TextIndex:
        rows = list(qs.values_list("id", "title", "abstract", "industry_chain_id", "organization__region_id",
                                   "maturity", "organization_id"))
        return TextIndex([r[0] for r in rows], [f"{r[1]} {r[1]} {r[2]}" for r in rows],
                         {"chain": [r[3] or 0 for r in rows], "region": [r[4] or 0 for r in rows],
                          "maturity": [MATURITY_CODES.get(r[5], -1) for r in rows], "org": [r[6] for r in rows]})
    return _cached("achievements", fp, build)


def team_index() -> TextIndex:
    """Research teams: universities, institutes and platforms, described by their name, type, chain and the
    titles of their published achievements."""
    qs = Organization.objects.filter(kind__in=("research_institution", "platform"))
    fp = (qs.count(), qs.aggregate(m=Max("updated_at"))["m"], _public(Achievement.objects.all()).count())

    def build() -> TextIndex:
        chains = _chains()
        titles: dict[int, list[str]] = {}
        for org_id, title in _public(Achievement.objects.filter(organization__in=qs)).values_list("organization_id",
                                                                                                   "title"):
            titles.setdefault(org_id, []).append(title)
        rows = list(qs.values_list("id", "name", "platform_type", "industry_chain_id", "region_id"))
        texts = [f"{r[1]} {r[2] or ''} {chains.get(r[3], '')} {' '.join(titles.get(r[0], []))}" for r in rows]
        return TextIndex([r[0] for r in rows], texts, {"chain": [r[3] or 0 for r in rows],
                                                        "region": [r[4] or 0 for r in rows]})
    return _cached("teams", fp, build)


def enterprise_index() -> TextIndex:
    """Enterprises likely to need an achievement: name (often the product), industry chain, their public needs.

    Only published, non-confidential needs are read: a “likely buyers” list must not reveal who posted a
    confidential or unapproved need, nor its words (as reasons)."""
    qs = Organization.objects.filter(kind="enterprise")
    open_needs = _public(TechNeed.objects.filter(confidential=False))
    fp = (qs.count(), qs.aggregate(m=Max("updated_at"))["m"],
          *open_needs.aggregate(n=Count("id"), m=Max("id"), p=Max("published_at"), e=Max("expires_on")).values())

    def build() -> TextIndex:
        chains = _chains()
        needs: dict[int, list[str]] = {}
        for org_id, title, desc in open_needs.values_list("organization_id", "title", "description"):
            needs.setdefault(org_id, []).append(f"{title} {desc}")
        rows = list(qs.values_list("id", "name", "industry_chain_id", "region_id"))
        texts = [f"{r[1]} {chains.get(r[2], '')} {' '.join(needs.get(r[0], []))}" for r in rows]
        return TextIndex([r[0] for r in rows], texts, {"chain": [r[2] or 0 for r in rows],
                                                        "region": [r[3] or 0 for r in rows]})
    return _cached("enterprises", fp, build)


def need_text(need: TechNeed) -> str:
    return f"{need.title} {need.title} {need.description} {need.analysis}"


def achievement_text(a: Achievement) -> str:
    return f"{a.title} {a.title} {a.abstract}"


def _chain_boost(chain_id: int | None) -> dict:
    return {"chain": (chain_id, CHAIN_BONUS, "同属产业链")} if chain_id else {}


@dataclass
class Suggestions:
    achievements: list[Hit]
    teams: list[Hit]
    experts: list[Hit]


def for_need(need: TechNeed, k: int = 10, *, chain: int | None = None, region: int | None = None,
             maturity: str | None = None) -> Suggestions:
    """The best achievements (filters: chain, district, maturity), research teams and experts for a need."""
    text = need_text(need)
    boost = _chain_boost(need.industry_chain_id)
    ach = achievement_index().search(text, k, boost=boost, chain=chain, region=region,
                                     maturity=MATURITY_CODES.get(maturity) if maturity else None)
    own = set(Achievement.objects.filter(organization_id=need.organization_id).values_list("id", flat=True))
    ach = [h for h in ach if h.id not in own]
    teams = team_index().search(text, 5, boost=boost, chain=chain, region=region)
    experts = get_expert_matcher().match(text, need.industry_chain_id, 5, exclude_organization=need.organization_id)
    return Suggestions(ach, teams, experts)


def for_achievement(a: Achievement, k: int = 10, *, chain: int | None = None,
                    region: int | None = None) -> list[Hit]:
    hits = enterprise_index().search(achievement_text(a), k + 1, boost=_chain_boost(a.industry_chain_id),
                                     chain=chain, region=region, exclude=[a.organization_id])
    return hits[:k]


def explain_pair(need: TechNeed, a: Achievement) -> Hit:
    """Score and reasons of one need–achievement pair, on the same scale as the ranked lists (an achievement not
    yet public is scored against an index of itself alone)."""
    index = achievement_index()
    if a.pk not in index.position:
        index = TextIndex([a.pk], [achievement_text(a)], {"chain": [a.industry_chain_id or 0]})
    hits = index.search(need_text(need), 1, boost=_chain_boost(need.industry_chain_id), min_score=0.0,
                        only=[a.pk])
    return hits[0] if hits else Hit(a.pk, 0.0)
