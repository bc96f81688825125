"""The policy documents' original text (settings.POLICY_DIR), split into articles with anchors.

The texts were extracted from PDF: lines break mid-sentence and page numbers appear inline. A paragraph starts at a
heading (一、 / （一） / 1.) or after a short line ending a sentence; page-number lines are dropped. Articles of A and
B are their numbered items (第N条); those of C, D and E are cited by their place ("二（四）4").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

#: key → (document number as the provisions cite it, title).
DOCUMENTS = {
    "A": ("威政发〔2018〕20号", "威海市人民政府关于加快科技创新支持新旧动能转换的实施意见"),
    "B": ("威政发〔2023〕5号", "威海市人民政府关于强化科技创新支撑国家创新型城市建设的实施意见"),
    "C": ("《威海市“十四五”科技创新规划》", "威海市“十四五”科技创新规划"),
    "D": ("威政办字〔2018〕107号", "威海市人民政府办公室关于加快科技服务业发展的实施意见"),
    "E": ("荣成市强化科技创新助推经济高质量发展行动方案", "荣成市强化科技创新助推经济高质量发展行动方案"),
}
NUMBERED_AS_ARTICLES = {"A", "B"}  # their items are cited as 第N条

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


def _paragraphs(text: str, key: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    section = sub = ""
    prev_line = ""
    last_item = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line or PAGE_NUMBER.match(line):
            continue
        level, label = "text", ""
        continuous = key in NUMBERED_AS_ARTICLES  # A and B number their items through the whole document
        if m := SECTION.match(line):
            section, sub, level, label = m.group(1), "", "section", m.group(1)
            last_item = last_item if continuous else 0
        elif m := SUB.match(line):
            sub, level, label = f"（{m.group(1)}）", "sub", f"{section}（{m.group(1)}）"
            last_item = last_item if continuous else 0
        elif (m := ITEM.match(line)) and int(m.group(1)) == last_item + 1:  # "0.5%" at a line start is no item
            last_item += 1
            level = "item"
            label = f"第{m.group(1)}条" if key in NUMBERED_AS_ARTICLES else f"{section}{sub}{m.group(1)}"
        starts = level != "text" or not out or (prev_line.endswith(("。", "：", ":")) and len(prev_line) < LINE_WIDTH)
        if starts:
            out.append(Paragraph(line, level, label, f"art-{label}" if label else ""))
        else:
            out[-1].text += line
        prev_line = line
    return out


@lru_cache(maxsize=8)
def _load(key: str, mtime: float) -> Document | None:
    path = _path(key)
    if path is None:
        return None
    number, title = DOCUMENTS[key]
    return Document(key, number, title, _paragraphs(path.read_text(encoding="utf-8"), key))


def document(key: str) -> Document | None:
    """The document with its paragraphs; each article links to the provisions computing it."""
    if key not in DOCUMENTS:
        return None
    path = _path(key)
    if path is None:
        return None
    doc = _load(key, path.stat().st_mtime)
    if doc is None:
        return None
    rules = provisions_by_article()
    for p in doc.paragraphs:
        p.provisions = rules.get((doc.number, p.label), []) if p.label else []
    return doc


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
    return next((k for k, (n, _) in DOCUMENTS.items() if n == number), None)
