"""The policy documents' original text (settings.POLICY_DIR), split into articles with anchors.

Which documents there are (key, number, title, whether items are cited as 第N条) is the current jurisdiction's
declaration (``policy.jurisdiction.Document``); the text of document ``key`` is the file ``<key>_*.txt`` of
settings.POLICY_DIR, and a document without such a file is listed with no text.

The texts were extracted from PDF: lines break mid-sentence and page numbers appear inline. A paragraph starts at a
heading (一、 / （一） / 1.) or after a short line ending a sentence; page-number lines are dropped. Articles of a
document ``numbered_as_articles`` are its numbered items (第N条, numbered through the whole document); those of the
others are cited by their place ("二（四）4").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from policy.jurisdiction import CurrentMapping

#: key → the current jurisdiction's document (``number``, ``title``, ``numbered_as_articles``), in its order.
DOCUMENTS = CurrentMapping(lambda j: j.documents)

SECTION = re.compile(r"^([一二三四五六七八九十]+)、")
SUB = re.compile(r"^（([一二三四五六七八九十]+)）")
ITEM = re.compile(r"^(\d+)\s*[\.．]")
PAGE_NUMBER = re.compile(r"^[—－\-\s]*\d+[—－\-\s]*$")
LINE_WIDTH = 27


@dataclass
class Paragraph:
    text: str
    level: str = "text"  # section | sub | item | text
    label: str = ""  # the citation of the article it opens ("第7条", "二（四）4")
    anchor: str = ""
    provisions: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Document:
    key: str
    number: str
    title: str
    paragraphs: list[Paragraph]

    @property
    def articles(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.anchor]


def _path(key: str) -> Path | None:
    folder = Path(settings.POLICY_DIR)
    found = sorted(folder.glob(f"{key}_*.txt"))
    return found[0] if found else None


def has_text(key: str) -> bool:
    """Whether the document ``key`` of the current jurisdiction has its original text in settings.POLICY_DIR."""
    return key in DOCUMENTS and _path(key) is not None


def _paragraphs(text: str, numbered_as_articles: bool) -> list[Paragraph]:
    out: list[Paragraph] = []
    section = sub = ""
    prev_line = ""
    last_item = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line or PAGE_NUMBER.match(line):
            continue
        level, label = "text", ""
        continuous = numbered_as_articles  # items numbered through the whole document
        if m := SECTION.match(line):
            section, sub, level, label = m.group(1), "", "section", m.group(1)
            last_item = last_item if continuous else 0
        elif m := SUB.match(line):
            sub, level, label = f"（{m.group(1)}）", "sub", f"{section}（{m.group(1)}）"
            last_item = last_item if continuous else 0
        elif (m := ITEM.match(line)) and int(m.group(1)) == last_item + 1:  # "0.5%" at a line start is no item
            last_item += 1
            level = "item"
            label = f"第{m.group(1)}条" if numbered_as_articles else f"{section}{sub}{m.group(1)}"
        starts = level != "text" or not out or (prev_line.endswith(("。", "：", ":")) and len(prev_line) < LINE_WIDTH)
        if starts:
            out.append(Paragraph(line, level, label, f"art-{label}" if label else ""))
        else:
            out[-1].text += line
        prev_line = line
    return out


def split_paragraphs(text: str, numbered_as_articles: bool) -> list[Paragraph]:
    """A text's paragraphs with the article each opens (also read by ``policy.reader``, sentence by sentence)."""
    return _paragraphs(text, numbered_as_articles)


@lru_cache(maxsize=16)
def _load(path: Path, mtime: float, numbered_as_articles: bool) -> tuple[Paragraph, ...]:
    """The file's paragraphs (read again when it changes)."""
    return tuple(_paragraphs(path.read_text(encoding="utf-8"), numbered_as_articles))


def document(key: str) -> Document | None:
    """The document with its paragraphs; each article links to the provisions computing it. None: the current
    jurisdiction has no such document, or settings.POLICY_DIR holds no text of it."""
    declared = DOCUMENTS.get(key)
    path = _path(key) if declared is not None else None
    if path is None:
        return None
    rules = provisions_by_article()
    paragraphs = [dataclasses.replace(p, provisions=rules.get((declared.number, p.label), []) if p.label else [])
                  for p in _load(path, path.stat().st_mtime, declared.numbered_as_articles)]
    return Document(key, declared.number, declared.title, paragraphs)


def provisions_by_article() -> dict[tuple[str, str], list[dict[str, str]]]:
    """(document number, article) → the encoded provisions that compute it (main citation and 同一规定)."""
    from policy.catalogue import PROVISIONS

    out: dict[tuple[str, str], list[dict[str, str]]] = {}
    for p in PROVISIONS:
        entry = {"id": p.id, "title": p.title}
        out.setdefault((p.document, p.article), []).append(entry)
        for cited in p.also_cited:
            number, _, article = cited.partition(" ")
            out.setdefault((number, article.strip()), []).append(entry)
    return out


def key_of(number: str) -> str | None:
    """The key of the current jurisdiction's document with this number (as provisions cite it)."""
    return next((k for k, d in DOCUMENTS.items() if d.number == number), None)

