"""The platform apps name no document, article or city (issue 11), in code or templates: those live in the
jurisdiction package. Issue 27: nor the county-level city (荣成), nor the documents' keys in templates."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ("policy", "screening")
#: a city's name, a document number's brackets, an article number, a provision id of the Weihai package
FORBIDDEN = re.compile(r"威|荣成|〔|第\d+条|\b[AB]\.\d\d\.[a-z]")

#: Apps (and the project's templates) whose code and templates must not use the city's name as a word: "in Weihai"
#: is "local" / "inside the jurisdiction", and a page prints the jurisdiction's ``city_name`` or ``platform_title``.
CITY_FREE = ("policy", "screening", "templates", "registry", "techmarket", "vouchers", "indicators", "portal", "funding",
             "kechuang")
CITY_WORD = re.compile(r"weihai|威海|rongcheng|荣成", re.IGNORECASE)
#: Where the city's name is a fact, not vocabulary: file → why (the whole file may name it).
CITY_FACTS = {
    "registry/demo.py": "the demo city's organisations: place names as data",
    "registry/management/commands/generate_demo.py": "the command that builds the demo city",
    "techmarket/demo.py": "the demo city's roadshows and fairs: place names as data",
    "vouchers/demo.py": "the demo city's settlements: a bank's name as data",
    "funding/demo.py": "the demo city's claims: a bank's name as data",
}
#: Lines that may name the Weihai package itself: the setting's fallback and the interface's example.
PACKAGE_NAME = {
    "policy/jurisdiction.py": ('"POLICY_JURISDICTION", "policy_weihai"', "A jurisdiction package (``policy_weihai``"),
    "policy/coverage.py": ('"POLICY_JURISDICTION", "policy_weihai"',),
    "kechuang/settings.py": ('"KECHUANG_JURISDICTION", "policy_weihai"',),
}


def _sources(app: str) -> list[Path]:
    """The app's Python and templates, without its tests and migrations (history, not vocabulary)."""
    paths = sorted([*(ROOT / app).rglob("*.py"), *(ROOT / app).rglob("*.html")])
    return [p for p in paths if not {"tests", "migrations"} & set(p.relative_to(ROOT).parts)]


def test_platform_code_names_no_document_article_or_city() -> None:
    found = []
    for app in PLATFORM:
        for path in sorted([*(ROOT / app).rglob("*.py"), *(ROOT / app).rglob("*.html")]):
            if "tests" in path.relative_to(ROOT).parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FORBIDDEN.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "platform code that names a document, article or city:\n" + "\n".join(found)


def test_platform_apps_use_no_city_name_as_a_word() -> None:
    found = []
    for app in CITY_FREE:
        for path in _sources(app):
            name = path.relative_to(ROOT).as_posix()
            if name in CITY_FACTS:
                continue
            allowed = PACKAGE_NAME.get(name, ())
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if CITY_WORD.search(line) and not any(a in line for a in allowed):
                    found.append(f"{name}:{n}: {line.strip()}")
    assert not found, "platform code that names the city (use the jurisdiction's words):\n" + "\n".join(found)


#: A document's key as the Weihai package names them, in a page's words: a list ("A、C、D、E") or a citation ("E 文件",
#: "B 第30条", "C 二（三）"). Pages print the documents the jurisdiction declares, never its keys as literals.
DOCUMENT_KEYS = re.compile(r"(?<![A-Za-z0-9_])[A-E](?:、[A-E])+(?![A-Za-z0-9_])"
                           r"|(?<![A-Za-z0-9_\-.])[A-E] ?(?:文件|第\d+条|[一二三四五六七八九十]+（)")


def test_templates_name_no_document_key() -> None:
    found = []
    for app in CITY_FREE:
        for path in sorted((ROOT / app).rglob("*.html")):
            if "tests" in path.relative_to(ROOT).parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DOCUMENT_KEYS.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "templates that name the documents by key (read them from the jurisdiction):\n" + "\n".join(found)
    # the rule itself catches what it is meant to
    assert DOCUMENT_KEYS.search("十四五规划主要指标表及 A、C、D、E 文件中的") and DOCUMENT_KEYS.search("B 第30条")
    assert not DOCUMENT_KEYS.search("{{ d.key }} 文件") and not DOCUMENT_KEYS.search("class=\"tag\"")


def test_the_exceptions_still_exist() -> None:
    """An exception whose file is gone or no longer names the city is dropped from the list, not kept as a loophole."""
    for name in CITY_FACTS:
        assert CITY_WORD.search((ROOT / name).read_text(encoding="utf-8")), name
    for name, allowed in PACKAGE_NAME.items():
        text = (ROOT / name).read_text(encoding="utf-8")
        assert all(a in text for a in allowed), name

