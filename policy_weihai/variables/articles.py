"""Finds the article modules: ``policy_weihai/<doc>/art_NN/variables.py``, each with a list ``VARIABLES``."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent.parent


def article_modules(document: str) -> list[ModuleType]:
    """The variables modules of ``document``'s articles (``a``, ``b``), in article order."""
    return [importlib.import_module(f"policy_weihai.{document}.{path.parent.name}.variables")
            for path in sorted((PACKAGE / document).glob("art_*/variables.py"))]


def article_variables(document: str) -> list[type]:
    return [variable for module in article_modules(document) for variable in module.VARIABLES]
