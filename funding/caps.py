"""Every cap of every kind of money, checked in one place under one kind of row lock (issue 25: caps under a lock).

A cap is a limit on a sum: an organisation's yearly amount under one article (claims), a talent's and an
enterprise's 人才贷 in a calendar year (B 第27条), an enterprise's covered loan balance (B 第23条), an institution's
exposure in a pool, an enterprise's 创新券 in a programme year. Each has a lock row (``CapCounter``) keyed by
``CapKey``. A writer asks ``assess`` (or ``reserve`` for one amount): the rows are locked in one sorted order (so two
writers never wait on each other in a cycle), the owner's count of what the cap limits is read *after* the locks,
then each amount is compared with the room left, in order, each one accepted counting against the next. The owning
app says only what it has on its books (``used``); the room, the comparison and the lock are funding's.

Lock order across the platform: claim → budget line → cap rows (funding.services), and an app's own row (a voucher,
a loan) before the cap rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from funding.models import CapCounter

ZERO = Decimal(0)


@dataclass(frozen=True, order=True)
class CapKey:
    """One cap's lock row: the rule (``provision_id``, e.g. an article or "B.27.talent_loan.person"), the year (0 for a
    cap that is not yearly) and its holder — an organisation, or a ``subject`` (see ``person``)."""

    provision_id: str
    year: int = 0
    organization_id: int | None = None
    subject: str = ""

    def lookup(self) -> dict:
        if self.organization_id is not None:
            return {"organization_id": self.organization_id, "provision_id": self.provision_id, "year": self.year}
        return {"organization__isnull": True, "subject": self.subject, "provision_id": self.provision_id,
                "year": self.year}


def person(kind: str, number: str) -> str:
    """A person as a cap's holder: a keyed digest of the ID number (core.crypto.lookup_key: a plain SHA-256 of an
    18-digit ID number is reversed by trying them all; the number itself is encrypted in its own field)."""
    from core.crypto import lookup_key

    return f"{kind}:{lookup_key(number)}"[:40]


@dataclass
class Ask:
    """One amount that must fit under every listed cap: [(key, limit), …]."""

    amount: Decimal
    caps: Sequence[tuple[CapKey, Decimal]]


@dataclass
class Refusal:
    """Why an ask does not fit: the cap, its limit, and what was on the books before it (earlier asks included)."""

    key: CapKey
    limit: Decimal
    used: Decimal
    amount: Decimal

    @property
    def room(self) -> Decimal:
        return max(self.limit - self.used, ZERO)


@dataclass
class Assessment:
    refusals: dict[int, Refusal] = field(default_factory=dict)
    used: dict[CapKey, Decimal] = field(default_factory=dict)

    def __bool__(self) -> bool:  # true when every ask fits
        return not self.refusals


def lock(keys: Iterable[CapKey], limits: dict[CapKey, Decimal] | None = None) -> dict[CapKey, CapCounter]:
    """Lock the caps' rows (created when missing) in sorted order, inside the caller's transaction. ``limits``
    records the limit each row is checked against."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("caps.lock must run inside a transaction")
    limits = limits or {}
    rows: dict[CapKey, CapCounter] = {}
    for key in sorted(set(keys)):
        limit = limits.get(key, ZERO)
        holder = {"organization_id": key.organization_id} if key.organization_id is not None else {"subject": key.subject}
        CapCounter.objects.get_or_create(**key.lookup(), defaults={**holder, "cap": limit})
        row = CapCounter.objects.select_for_update().get(**key.lookup())
        if key in limits and row.cap != limit:
            CapCounter.objects.filter(pk=row.pk).update(cap=limit)
            row.cap = limit
        rows[key] = row
    return rows


def assess(asks: Sequence[Ask], used: Callable[[set[CapKey]], dict[CapKey, Decimal]], *,
           locked: bool = True) -> Assessment:
    """Each ask against its caps, in order. ``used(keys)`` is the owner's count of what each cap limits (read after
    the locks when ``locked``; an unlocked assessment is a preview, e.g. an import's row check, and every write
    assesses again under the locks). Returns the refusals by index of ask."""
    keys = {key for a in asks for key, _ in a.caps}
    if not keys:
        return Assessment()
    if locked:
        lock(keys, {key: limit for a in asks for key, limit in a.caps})
    counted = used(keys)
    running = {key: counted.get(key) or ZERO for key in keys}
    out = Assessment(used=dict(running))
    for i, ask in enumerate(asks):
        over = next(((key, limit) for key, limit in ask.caps if running[key] + ask.amount > limit), None)
        if over is not None:
            out.refusals[i] = Refusal(over[0], over[1], running[over[0]], ask.amount)
            continue
        for key, _ in ask.caps:
            running[key] += ask.amount
    return out


def reserve(key: CapKey, limit: Decimal, amount: Decimal, used: Callable[[], Decimal]) -> Refusal | None:
    """One amount under one cap, under its lock: None when it fits, else why not (the caller words the refusal)."""
    result = assess([Ask(amount, [(key, limit)])], lambda keys: {key: used()})
    return result.refusals.get(0)


def raise_limit(key: CapKey, amount: Decimal) -> CapCounter:
    """A cap that grows with each claim (A 第19条 has no yearly cap: a bank's amount for the year is the sum of its
    claims), raised under the row's lock."""
    row = lock([key])[key]
    CapCounter.objects.filter(pk=row.pk).update(cap=row.cap + amount)
    row.cap += amount
    return row
