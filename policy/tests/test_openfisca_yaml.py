"""Runs every article's OpenFisca YAML tests (policy_weihai/<doc>/art_NN/tests.yaml) through openfisca-core's own
test runner."""

from __future__ import annotations

from pathlib import Path

from openfisca_core.tools.test_runner import run_tests

from policy_weihai import build_system

PACKAGE = Path(__file__).resolve().parents[2] / "policy_weihai"
YAML_FILES = sorted(PACKAGE.glob("*/art_*/tests.yaml"))


def test_every_article_with_rules_has_yaml_tests():
    """An article folder with variables has a tests.yaml next to them."""
    articles = {path.parent for path in PACKAGE.glob("*/art_*/variables.py")}
    assert articles and articles == {path.parent for path in YAML_FILES}


def test_openfisca_yaml_cases_pass():
    assert run_tests(build_system(), [str(path) for path in YAML_FILES]) == 0
