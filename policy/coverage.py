"""The coverage report: every article of A, B, D, E that states an amount, whether and how it is encoded, and tests."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from policy.catalogue import BY_ID
from policy.jurisdiction import CurrentMapping

HERE = Path(__file__).resolve().parent
#: The jurisdiction package: ``<doc>/art_NN/`` holds an article's coverage rows and OpenFisca YAML tests, and
#: ``<doc>/coverage.yaml`` the document's rows for articles without rules (targets, case by case).


def package_folder() -> Path:
    """The folder of the current jurisdiction's package (settings.POLICY_JURISDICTION)."""
    import importlib

    from django.conf import settings

    module = importlib.import_module(getattr(settings, "POLICY_JURISDICTION", "policy_weihai"))
    return Path(module.__file__).resolve().parent


TEST_DIRS = [HERE / "tests", HERE.parent / "scifinance" / "tests"]
STATUS_LABELS = {"encoded": "已编码", "case_by_case": "一事一议/比例未定（编目）", "not_encoded": "未编码（待办）",
                 "target": "目标指标（无兑现金额）"}
#: Document code → its number (文号), from the jurisdiction's documents.
DOCUMENTS = CurrentMapping(lambda j: {code: d.number for code, d in j.documents.items()})


def _article_number(row: dict[str, Any]) -> int:
    """第N条 → N, for ordering a document's rows; D's and E's headings (二（四）1) keep their file order."""
    match = re.match(r"第(\d+)条", str(row["article"]))
    return int(match.group(1)) if match else 0


def inventory() -> dict[str, list[dict[str, Any]]]:
    """Document key → its rows, in article order (of the current jurisdiction; read once per package)."""
    return _inventory(package_folder())


@functools.lru_cache(maxsize=4)
def _inventory(package: Path) -> dict[str, list[dict[str, Any]]]:
    """Document key → its rows, in article order: the document's ``coverage.yaml`` and each article folder's."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key in DOCUMENTS:
        folder = package / key.lower()
        rows: list[dict[str, Any]] = []
        for path in [folder / "coverage.yaml", *sorted(folder.glob("art_*/coverage.yaml"))]:
            if path.exists():
                with open(path, encoding="utf-8") as fh:
                    rows += yaml.safe_load(fh) or []
        out[key] = sorted(rows, key=_article_number)
    return out


def test_files() -> list[Path]:
    """Python test modules and OpenFisca YAML files of TEST_DIRS, and every article's ``tests.yaml``."""
    files = [path for folder in TEST_DIRS for path in sorted(folder.glob("*")) if path.suffix in (".py", ".yaml")]
    return files + sorted(package_folder().glob("*/art_*/tests.yaml"))


def test_counts() -> dict[str, int]:
    """How many test cases cite each provision id (test functions and OpenFisca YAML cases)."""
    counts = dict.fromkeys(BY_ID, 0)
    for path in test_files():
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
