"""Small builders of situations for the provision tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from policy import services


def situation(kind: str = "enterprise", quals: list | None = None, events: list | None = None,
              facts: dict | None = None, sme_size: str = "small") -> dict[str, Any]:
    """A situation in 环翠区; an enterprise declared small (中小微, as B 第25、30条 require) unless ``sme_size=""``."""
    out = {"kind": kind, "region": "371002", "qualifications": quals or [], "recognitions": events or [],
           "annual_facts": facts or {}}
    if sme_size and kind == "enterprise":
        out["sme_size"] = sme_size
    return out


def event(kind: str, on: str, subject: str = "", level: str = "", **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "subject": subject, "level": level, "occurred_on": on, **extra}


def qual(kind: str, start: str, end: str = "2030-12-31", cert: str = "first_certification") -> dict[str, Any]:
    return {"kind": kind, "valid_from": start, "valid_to": end, "certification": cert}


def amounts(sit: dict, year: int | str, **kw: Any) -> dict[str, Decimal]:
    """provision_id → total applicable amount."""
    out: dict[str, Decimal] = {}
    for r in services.evaluate_situation(sit, str(year), **kw).results:
        if r.status == "applies":
            out[r.provision_id] = out.get(r.provision_id, Decimal(0)) + r.amount
    return out


def results(sit: dict, year: int | str, **kw: Any) -> dict[str, services.ProvisionResult]:
    return {r.provision_id: r for r in services.evaluate_situation(sit, str(year), **kw).results}
