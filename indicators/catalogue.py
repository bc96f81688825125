"""Reads ``data/catalogue.yaml`` and writes it into the Indicator table (used by the data migration and the CLI)."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"
CITY_CODE = "371000"


@functools.cache
def load() -> dict[str, Any]:
    with CATALOGUE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def categories() -> dict[str, str]:
    return load()["categories"]


def rows() -> list[dict[str, Any]]:
    """One dict of model field values per indicator, in catalogue order."""
    data = load()
    docs = data["documents"]
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
            "quote": item.get("quote", ""), "jurisdiction_code": str(item.get("jurisdiction", CITY_CODE)),
            "start_year": item.get("baseline_year") or doc["start_year"],
            "baseline_year": item.get("baseline_year"),
            "baseline_value": None if baseline is None else Decimal(str(baseline)),
            "target_year": item["target_year"], "target_value": Decimal(str(item["target_value"])),
            "change_text": item.get("change", ""), "department": item.get("department", "市科技局"),
            "computed": item.get("computed", ""), "districts": bool(item.get("districts", item["category"] == "c_table")),
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
