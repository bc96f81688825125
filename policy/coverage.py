"""The coverage report: every article of A, B, D, E that states an amount, whether and how it is encoded, and tests."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from policy.catalogue import BY_ID
from policy.jurisdiction import CurrentMapping

HERE = Path(__file__).resolve().parent
TEST_DIRS = [HERE / "tests", HERE.parent / "policy_weihai" / "tests", HERE.parent / "scifinance" / "tests"]
STATUS_LABELS = {"encoded": "已编码", "case_by_case": "一事一议/比例未定（编目）", "not_encoded": "未编码（待办）",
                 "target": "目标指标（无兑现金额）"}
#: Document code → its number (文号), from the jurisdiction's documents.
DOCUMENTS = CurrentMapping(lambda j: {code: d.number for code, d in j.documents.items()})


@functools.lru_cache(maxsize=1)
def inventory() -> dict[str, list[dict[str, Any]]]:
    with open(HERE / "data" / "coverage.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_counts() -> dict[str, int]:
    """How many test cases cite each provision id (test functions and OpenFisca YAML cases)."""
    counts = dict.fromkeys(BY_ID, 0)
    for folder in TEST_DIRS:
        for path in folder.glob("*"):
            if path.suffix not in (".py", ".yaml"):
                continue
            text = path.read_text(encoding="utf-8")
            chunks = text.split("\ndef test_") if path.suffix == ".py" else text.split("\n- name:")
            for chunk in chunks[1:]:
                for pid in BY_ID:
                    if pid in chunk:
                        counts[pid] += 1
    return counts


def report() -> list[dict[str, Any]]:
    counts = test_counts()
    rows = []
    for doc, entries in inventory().items():
        for e in entries:
            ids = e.get("provisions") or []
            rows.append({"document_key": doc, "document": DOCUMENTS[doc], "article": e["article"],
                         "summary": e["summary"], "status": e["status"], "status_label": STATUS_LABELS[e["status"]],
                         "provisions": ids, "variables": sorted({BY_ID[i].variable for i in ids if i in BY_ID}),
                         "tests": sum(counts.get(i, 0) for i in ids), "note": e.get("note", "")})
    return rows


def summary() -> dict[str, int]:
    rows = report()
    return {status: sum(1 for r in rows if r["status"] == status) for status in STATUS_LABELS} | {"total": len(rows)}
