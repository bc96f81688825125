"""The platform apps name no document, article or city (issue 11), in code or templates: those live in the
jurisdiction package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ("policy", "screening")
#: a city's name, a document number's brackets, an article number, a provision id of the Weihai package
FORBIDDEN = re.compile(r"威|荣成|〔|第\d+条|\b[AB]\.\d\d\.[a-z]")


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
