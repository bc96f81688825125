"""Reads the current jurisdiction's indicator catalogue and writes it into the Indicator table (used by the data
migration and the CLI).

The plans' targets are the jurisdiction's (``policy.jurisdiction.Jurisdiction.indicator_catalogue``, a YAML file in its
package): ``documents`` (key → number, title, start year, and ``reported_by``: who supplies the statistics of its
targets), ``categories`` (code → heading), ``plan_table`` (the category of the plan's indicator table: charted, and
observed per district by default) and ``indicators``. An indicator's area is the jurisdiction's city unless it names a
smaller one (``jurisdiction:`` a region code).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

EMPTY: dict[str, Any] = {"documents": {}, "categories": {}, "indicators": []}


def catalogue_path() -> Path | None:
    """The current jurisdiction's catalogue file (None: it monitors no indicators)."""
    from policy.jurisdiction import current

    return current().indicator_catalogue


def load() -> dict[str, Any]:
    path = catalogue_path()
    return _load(Path(path)) if path else EMPTY


@functools.cache
def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return {**EMPTY, **(yaml.safe_load(fh) or {})}


def categories() -> dict[str, str]:
    return load()["categories"]


def plan_table() -> str:
    """The category of the plan's indicator table (charted on the dashboard); "" if none."""
    return load().get("plan_table", "")


def documents() -> dict[str, dict[str, Any]]:
    return load()["documents"]


def document_keys() -> list[str]:
    """The keys of the documents that set targets, in catalogue order (the staff home lists them)."""
    return list(documents())


def reported_by(document_key: str) -> str:
    """Who supplies the statistics for a document's targets (its ``reported_by``), for the page's hint."""
    return documents().get(document_key, {}).get("reported_by", "统计部门")


def codes() -> set[str]:
    return {item["code"] for item in load()["indicators"]}


def city_code() -> str:
    from policy.jurisdiction import current

    reference = current().reference
    return reference.city[0] if reference else ""


def rows() -> list[dict[str, Any]]:
    """One dict of model field values per indicator, in catalogue order."""
    data = load()
    docs = data["documents"]
    table = data.get("plan_table", "")
    city = city_code()
    out = []
    for order, item in enumerate(data["indicators"], start=1):
        doc = docs[item["document"]]
        kind = item["unit_kind"]
        baseline = item.get("baseline_value")
        out.append({
            "code": item["code"], "name": item["name"], "category": item["category"],
            "definition": item.get("definition", ""), "unit": item["unit"], "unit_kind": kind,
            "target_kind": item["target_kind"], "direction": item.get("direction", "at_least"),
            "projection": item.get("projection", "compound" if kind in ("count", "amount") else "linear"),
            "document": doc["number"], "document_key": item["document"], "article": item["article"],
            "quote": item.get("quote", ""), "jurisdiction_code": str(item.get("jurisdiction", city)),
            "start_year": item.get("baseline_year") or doc["start_year"],
            "baseline_year": item.get("baseline_year"),
            "baseline_value": None if baseline is None else Decimal(str(baseline)),
            "target_year": item["target_year"], "target_value": Decimal(str(item["target_value"])),
            "change_text": item.get("change", ""), "department": item.get("department", doc.get("department", "")),
            "computed": item.get("computed", ""),
            "districts": bool(item.get("districts", bool(table) and item["category"] == table)),
            "same_series_as": item.get("same_series_as", ""), "order": order,
        })
    return out


def sync(indicator_model: Any, region_model: Any) -> int:
    """Create or update every catalogue indicator; observations are never touched. Returns the number synced."""
    regions = {r.code: r for r in region_model.objects.all()}
    n = 0
    for row in rows():
        row = dict(row)
        region = regions[row.pop("jurisdiction_code")]
        indicator_model.objects.update_or_create(code=row.pop("code"), defaults={**row, "jurisdiction": region})
        n += 1
    return n
