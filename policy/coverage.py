"""The coverage report, two ways.

- ``report()``: the package's own inventory, every article that states an amount (each article's ``coverage.yaml``),
  whether and how it is encoded, and how many tests cite it.
- ``text_report()``: from the documents' texts (``settings.POLICY_DIR``). ``policy.reader`` finds every sentence that
  states money or a countable reward; a row of the inventory declares which sentences it accounts for
  (``sentences:``, quotes of the text), so each such sentence is listed beside the provisions that encode it, or the
  catalogued reason it is not computed, or as unaccounted. A new document's text dropped into the folder shows at
  once every money sentence that is not yet code.
"""

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
                 "target": "目标指标（无兑现金额）", "context": "现状表述（无兑现金额）"}
#: How a money sentence of a text stands: encoded by a provision, catalogued with a reason, or nobody's.
SENTENCE_STATES = {"encoded": "已编码", "catalogued": "已编目（不计算）", "unaccounted": "未处理"}
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


# ---- coverage from the texts


def _rows_with_sentences(key: str) -> list[dict[str, Any]]:
    return [r for r in inventory().get(key, []) if r.get("sentences")]


def _row_view(row: dict[str, Any]) -> dict[str, Any]:
    ids = row.get("provisions") or []
    return {"article": row["article"], "summary": row["summary"], "status": row["status"],
            "status_label": STATUS_LABELS[row["status"]], "provisions": ids,
            "titles": [BY_ID[i].title for i in ids if i in BY_ID], "reason": row.get("note") or row["summary"]}


def text_report(folder: Path | str | None = None) -> dict[str, Any]:
    """Every document text of ``folder`` (default settings.POLICY_DIR), sentence by sentence.

    Returns ``documents`` (per text: key, number, title, whether the jurisdiction declares it, counts ``found``,
    ``encoded``, ``catalogued``, ``unaccounted``, and ``sentences``: each money sentence and each sentence a row links
    to, with its state and the rows accounting for it), ``problems`` (a declared quote that matches no sentence or
    more than one) and ``summary`` (the counts over all texts)."""
    from django.conf import settings

    from policy import reader
    from policy.jurisdiction import current

    declared = current().documents
    folder = Path(folder if folder is not None else settings.POLICY_DIR)
    texts = reader.read_folder(folder, {k: d.numbered_as_articles for k, d in declared.items()})
    documents, problems = [], []
    for text in texts:
        links: dict[int, list[dict[str, Any]]] = {}
        for row in _rows_with_sentences(text.key):
            for quote in row["sentences"]:
                wanted = reader.normalise(str(quote))
                hits = [s for s in text.sentences if wanted in s.text]
                if len(hits) != 1:
                    problems.append({"document_key": text.key, "article": row["article"], "quote": quote,
                                     "problem": "原文中找不到这句话" if not hits else f"对应原文 {len(hits)} 句，请引得更长些"})
                    continue
                links.setdefault(hits[0].n, []).append(_row_view(row))
        sentences = []
        for s in text.sentences:
            rows = links.get(s.n, [])
            if not s.is_money and not rows:
                continue
            state = ("encoded" if any(r["status"] == "encoded" for r in rows) else "catalogued") if rows \
                else "unaccounted"
            sentences.append({"ref": s.ref, "article": s.article, "text": s.text, "cues": s.cue_labels,
                              "found_by_reader": s.is_money, "state": state, "state_label": SENTENCE_STATES[state],
                              "rows": rows, "provisions": sorted({i for r in rows for i in r["provisions"]})})
        doc = declared.get(text.key)
        money = [x for x in sentences if x["found_by_reader"]]
        counts = {state: sum(1 for x in money if x["state"] == state) for state in SENTENCE_STATES}
        documents.append({"key": text.key, "file": text.path.name, "declared": doc is not None,
                          "number": doc.number if doc else "", "title": doc.title if doc else text.path.stem,
                          "sentences_read": len(text.sentences), "found": len(money), **counts,
                          "linked_not_found": sum(1 for x in sentences if not x["found_by_reader"]),
                          "sentences": sorted(sentences, key=lambda x: (x["state"] != "unaccounted", int(x["ref"].rsplit("-", 1)[1])))})
    totals = {name: sum(d[name] for d in documents)
              for name in ("sentences_read", "found", *SENTENCE_STATES, "linked_not_found")}
    return {"documents": documents, "problems": problems, "summary": totals | {"problems": len(problems)}}
