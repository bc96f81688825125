"""Demo technology market for the demo city: needs and achievements as Chinese technical texts across the chains,
matches in every state (scored by the real matcher), roadshows and fairs, registered contracts, 科技副总.

Deterministic for a seed; idempotent (does nothing when needs already exist); a few seconds for 4,000 enterprises.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from registry.models import IndustryChain, Organization, Person
from techmarket import texts
from techmarket.matching import TextIndex
from techmarket.models import (
    Achievement,
    ContractType,
    EventRegistration,
    ListingStatus,
    MarketEvent,
    Match,
    Maturity,
    NeedKind,
    Placement,
    TechContract,
    TechNeed,
    TransferMode,
)
from techmarket.services import sync_contract_events


def _status(rng: random.Random) -> str:
    r = rng.random()
    return ListingStatus.PUBLISHED if r < 0.88 else ListingStatus.PENDING if r < 0.94 else ListingStatus.EXPIRED


@transaction.atomic
def generate(needs: int = 2000, achievements: int = 2000, seed: int = 16, today: dt.date | None = None) -> dict:
    if TechNeed.objects.exists():
        return {"skipped": True}
    today = today or dt.date.today()
    now = timezone.now()
    rng = random.Random(seed)
    chains = {c.id: c.code for c in IndustryChain.objects.all()}
    chain_ids = list(chains)
    enterprises = list(Organization.objects.filter(kind="enterprise").order_by("id").values_list(
        "id", "industry_chain_id"))
    sellers = list(Organization.objects.filter(kind="research_institution").order_by("id").values_list(
        "id", "industry_chain_id"))
    if not enterprises or not sellers or not chain_ids:
        return {"skipped": True}

    def chain_of(cid):
        cid = cid or rng.choice(chain_ids)
        return cid, chains[cid]

    ach_rows, ach_texts = [], []
    for k in range(achievements):
        owner, cid = rng.choice(sellers) if k % 10 < 7 else rng.choice(enterprises)
        cid, code = chain_of(cid)
        t = texts.achievement(rng, code)
        status = _status(rng)
        low = Decimal(rng.choice([10, 20, 50, 80, 100, 200, 500])) * 10000
        ach_rows.append(Achievement(
            organization_id=owner, title=t.title[:120], abstract=t.body, industry_chain_id=cid,
            maturity=rng.choice(Maturity.values), trl=rng.randint(3, 9),
            patent_numbers=f"ZL20{rng.randint(15, 24)}1{rng.randint(1000000, 9999999)}.{rng.randint(0, 9)}",
            transfer_mode=rng.choice(TransferMode.values), price_min=low, price_max=low * 3, status=status,
            expires_on=today + dt.timedelta(days=rng.randint(30, 360)) if status != ListingStatus.EXPIRED
            else today - dt.timedelta(days=rng.randint(1, 60)),
            published_at=now if status != ListingStatus.PENDING else None))
        ach_texts.append(f"{t.title} {t.title} {t.body}")
    Achievement.objects.bulk_create(ach_rows, batch_size=1000)

    kinds = [NeedKind.CHOKEPOINT] * 3 + [NeedKind.CHAIN] * 3 + [NeedKind.SYSTEM] * 2 + [NeedKind.DISRUPTIVE]
    need_rows, need_texts = [], []
    for _ in range(needs):
        owner, cid = rng.choice(enterprises)
        cid, code = chain_of(cid)
        t = texts.need(rng, code)
        status = _status(rng)
        low = Decimal(rng.choice([10, 30, 50, 100, 300])) * 10000
        need_rows.append(TechNeed(
            organization_id=owner, title=t.title[:120], description=t.body, kind=rng.choice(kinds),
            industry_chain_id=cid, budget_min=low, budget_max=low * 2,
            deadline=today + dt.timedelta(days=rng.randint(60, 540)), confidential=rng.random() < 0.1,
            status=status, published_at=now if status != ListingStatus.PENDING else None,
            expires_on=today + dt.timedelta(days=rng.randint(30, 180)) if status != ListingStatus.EXPIRED
            else today - dt.timedelta(days=rng.randint(1, 60))))
        need_texts.append(f"{t.title} {t.title} {t.body}")
    TechNeed.objects.bulk_create(need_rows, batch_size=1000)

    # Matches: the best published achievement of another organisation for a third of the published needs.
    published = [a for a in ach_rows if a.status == ListingStatus.PUBLISHED]
    index = TextIndex([a.pk for a in published],
                      [ach_texts[i] for i, a in enumerate(ach_rows) if a.status == ListingStatus.PUBLISHED])
    by_id = {a.pk: a for a in published}
    text_of = {id(n): t for n, t in zip(need_rows, need_texts, strict=True)}
    chosen = [n for n in need_rows if n.status == ListingStatus.PUBLISHED and rng.random() < 0.33]
    events = [MarketEvent.objects.create(kind=kind, title=title, held_on=today - dt.timedelta(days=days),
                                         place=place)
              for kind, title, days, place in [
                  ("roadshow", "威海市科技成果路演（海洋生物与健康食品专场）", 200, "威海市科技大厦"),
                  ("roadshow", "碳纤维及复合材料技术路演", 150, "高区创新创业中心"),
                  ("fair", "中国（威海）技术交易会", 120, "威海国际展览中心"),
                  ("fair", "驻威高校院所成果对接会", 80, "山东大学（威海）"),
                  ("roadshow", "高端装备产业链技术需求发布会", 40, "经区科技创新园"),
                  ("fair", "环翠区产学研合作对接会", 15, "环翠区政务中心")]]
    for e in events:
        for org_id, _ in rng.sample(enterprises, 20) + rng.sample(sellers, min(6, len(sellers))):
            EventRegistration.objects.get_or_create(event=e, organization_id=org_id,
                                                    defaults={"attended": rng.random() < 0.7})
    ids, scores = index.search_many([text_of[id(n)] for n in chosen], k=3)
    matches = []
    states = ["intent"] * 3 + ["negotiating"] * 3 + ["signed"] * 3 + ["abandoned"] * 2
    for n, row_ids, row_scores in zip(chosen, ids, scores, strict=True):
        pick = next(((i, s) for i, s in zip(row_ids, row_scores, strict=True)
                     if by_id[int(i)].organization_id != n.organization_id), None)
        if pick is None:
            continue
        a = by_id[int(pick[0])]
        created = now - dt.timedelta(days=rng.randint(5, 700), hours=rng.randint(0, 23))
        status = rng.choice(states)
        first = min(created + dt.timedelta(hours=rng.randint(2, 240)), now) \
            if status != "intent" or rng.random() < 0.4 else None
        accepted = min(first + dt.timedelta(days=rng.randint(0, 40)), now) \
            if status in ("negotiating", "signed") else None
        hit = index.search(text_of[id(n)], 1, only=[a.pk], min_score=0.0)
        matches.append(Match(
            need=n, achievement=a, status=status, score=round(float(pick[1]), 1),
            reasons={"terms": hit[0].terms if hit else [], "fields": ["同属产业链"]
                     if a.industry_chain_id == n.industry_chain_id else []},
            event=rng.choice(events) if rng.random() < 0.3 else None, created_at=created,
            first_response_at=first, accepted_at=accepted,
            closed_at=min((accepted or first or created) + dt.timedelta(days=rng.randint(5, 60)), now)
            if status in ("signed", "abandoned") else None,
            outcome="已签订技术开发合同" if status == "signed" else "技术路线不匹配" if status == "abandoned" else ""))
    # auto_now_add overwrites created_at on insert (with now, after every planned response): insert the matches
    # without their clock, then write the planned dates, so that each response follows its match's creation.
    clock = ["created_at", "first_response_at", "accepted_at", "closed_at"]
    planned = [{f: getattr(m, f) for f in clock} for m in matches]
    for m in matches:
        m.first_response_at = m.accepted_at = m.closed_at = None
    Match.objects.bulk_create(matches, batch_size=1000)
    for m, dates in zip(matches, planned, strict=True):
        for f, value in dates.items():
            setattr(m, f, value)
    Match.objects.bulk_update(matches, clock, batch_size=1000)

    # Contracts for the signed matches: mostly 技术开发/转让, some 许可/咨询/服务; most registered.
    orgs = Organization.objects.in_bulk({m.need.organization_id for m in matches}
                                        | {m.achievement.organization_id for m in matches})
    types = [ContractType.DEVELOPMENT] * 4 + [ContractType.TRANSFER] * 3 + [ContractType.LICENCE, ContractType.CONSULTING,
                                                                           ContractType.SERVICE]
    n_contracts = 0
    for k, m in enumerate(x for x in matches if x.status == "signed"):
        buyer, seller = orgs[m.need.organization_id], orgs[m.achievement.organization_id]
        signed = (m.closed_at or now).date()
        amount = Decimal(rng.choice([30, 50, 80, 120, 200, 350, 600])) * 10000
        c = TechContract.objects.create(
            title=f"{m.achievement.title}技术合同"[:150], contract_type=rng.choice(types), match=m, signed_on=signed,
            amount=amount, transaction_amount=amount * Decimal(rng.choice(["1", "0.9", "0.8"])),
            status=TechContract.Status.REGISTERED if k % 6 else TechContract.Status.SUBMITTED,
            registration_number=f"3710{signed.year}{k + 1:05d}" if k % 6 else None,
            registered_on=min(signed + dt.timedelta(days=rng.randint(3, 25)), today) if k % 6 else None)
        for role, org in (("buyer", buyer), ("seller", seller)):
            c.parties.create(role=role, organization=org, name=org.name, uscc=org.uscc,
                             located_locally=org.located_locally if org.kind == "research_institution" else True,
                             is_institution=org.kind == "research_institution")
        c.payments.create(paid_on=min(signed + dt.timedelta(days=30), today), amount=(amount * Decimal("0.6")))
        sync_contract_events(c)
        n_contracts += 1

    experts = list(Person.objects.filter(organization__kind="research_institution").order_by("id")[:60])
    for k, p in enumerate(experts[:40]):
        start = today - dt.timedelta(days=rng.randint(0, 700))
        Placement.objects.create(person=p, enterprise_id=enterprises[(k * 37) % len(enterprises)][0],
                                 starts_on=start, ends_on=start + dt.timedelta(days=730),
                                 note="协助企业开展技术攻关和研发平台建设")
    return {"needs": len(need_rows), "achievements": len(ach_rows), "matches": len(matches),
            "contracts": n_contracts, "events": len(events)}
