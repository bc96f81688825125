"""A reader of the policy documents' own texts: every sentence that states money or a countable reward.

The coverage report (``policy.coverage.text_report``) starts from the documents, not from the code: each text of
``settings.POLICY_DIR`` (``<key>_*.txt``) is cut into paragraphs with their article (the portal's reading of the
PDF extraction: headings, page numbers dropped), then into sentences at 。；！？, and a sentence is a *money
sentence* when it

- states an amount of money (a number followed by 元/万元/亿元), or
- states a matching ratio of funds (1:1, 配套资金), or
- promises something (给予/奖励/补助/补贴/资助/贴息/支持/扶持) together with a rate (%, 比例) or a cap (不超过/最高/
  每家每年/累计/上限).

A count beside a promise ("支持……10项") was tried as a cue too: on the five documents it found no money sentence
the others miss and doubled the false positives (targets such as "培育1000名技术经纪人").

The rules are plain regular expressions, listed once below so the report can say which cue it saw; their recall and
false positives against a hand-marked fixture are measured by ``policy/tests/test_reader.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: A document's text file: ``<key>_<anything>.txt``; the key is what the jurisdiction's documents declare.
TEXT_FILE = re.compile(r"^([A-Za-z0-9]+)_.*\.txt$")
SENTENCE_END = re.compile(r"(?<=[。；！？;])")
WHITESPACE = re.compile(r"\s+")
NUMBER = r"(?:\d[\d.,，]*|[一二三四五六七八九十百千两]+)"

#: cue → pattern; ``amount`` and ``matching`` alone make a money sentence, the others only with a promising verb.
CUES: dict[str, re.Pattern[str]] = {
    "amount": re.compile(NUMBER + r"(?:万|亿|千)?元(?!素|件|器)"),
    "matching": re.compile(r"1[:：∶]1|配套资金|资金配套|给予配套|予以配套|配套支持|配套奖励|配套补助"),
    "rate": re.compile(r"\d[\d.]*[%％]|比例|百分之"),
    "cap": re.compile(r"不超过|不高于|最高|每家每年|累计|上限"),
    "verb": re.compile(r"给予|奖励|补助|补贴|资助|贴息|支持|扶持"),
}
LABELS = {"amount": "金额", "matching": "配套", "rate": "比例", "cap": "上限", "verb": "给予"}


@dataclass(frozen=True)
class Sentence:
    key: str  # the document's key
    n: int  # its place in the document, from 1
    article: str  # the citation of the paragraph it sits in ("第N条", "二（四）1"; "" before the first)
    text: str  # whitespace removed
    cues: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """A short reference a person can find it by: key and place ("B-112")."""
        return f"{self.key}-{self.n}"

    @property
    def is_money(self) -> bool:
        return bool(self.cues)

    @property
    def cue_labels(self) -> str:
        return "、".join(LABELS[c] for c in self.cues)


@dataclass
class DocumentText:
    key: str
    path: Path
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def money(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_money]


def normalise(text: str) -> str:
    """Whitespace removed (the PDF extraction breaks lines and spaces figures: "到 2020 年")."""
    return WHITESPACE.sub("", text)


def money_cues(text: str) -> tuple[str, ...]:
    """The cues that make ``text`` a money sentence (empty: it is not one)."""
    seen = [name for name, pattern in CUES.items() if pattern.search(text)]
    if "amount" in seen or "matching" in seen:
        return tuple(seen)
    if "verb" in seen and {"rate", "cap"} & set(seen):
        return tuple(seen)
    return ()


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, cut after 。；！？ (whitespace removed, empty pieces dropped)."""
    return [s for s in (normalise(p) for p in SENTENCE_END.split(paragraph)) if s]


def read_text(key: str, text: str, numbered_as_articles: bool = False) -> list[Sentence]:
    """The sentences of one document's text, each with its article and money cues."""
    from portal.documents import split_paragraphs

    out: list[Sentence] = []
    for paragraph in split_paragraphs(text, numbered_as_articles):
        article = paragraph.label or (out[-1].article if out else "")
        for piece in split_sentences(paragraph.text):
            out.append(Sentence(key, len(out) + 1, article, piece, money_cues(piece)))
    return out


def text_files(folder: Path) -> dict[str, Path]:
    """Key → the first text file of that key in ``folder`` (keys in file-name order)."""
    out: dict[str, Path] = {}
    for path in sorted(Path(folder).glob("*.txt")):
        if (m := TEXT_FILE.match(path.name)) and m.group(1) not in out:
            out[m.group(1)] = path
    return out


def read_folder(folder: Path, numbered: dict[str, bool] | None = None) -> list[DocumentText]:
    """Every document text of ``folder``; ``numbered``: key → whether its items are cited as 第N条."""
    numbered = numbered or {}
    return [DocumentText(key, path, list(_read(key, path, path.stat().st_mtime, numbered.get(key, False))))
            for key, path in text_files(folder).items()]


@lru_cache(maxsize=32)
def _read(key: str, path: Path, mtime: float, numbered_as_articles: bool) -> tuple[Sentence, ...]:
    return tuple(read_text(key, path.read_text(encoding="utf-8"), numbered_as_articles))
