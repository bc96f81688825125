"""Runs the OpenFisca YAML tests of policy_weihai/tests through openfisca-core's own test runner."""

from __future__ import annotations

from pathlib import Path

from openfisca_core.tools.test_runner import run_tests

from policy_weihai import build_system

YAML_DIR = Path(__file__).resolve().parents[2] / "policy_weihai" / "tests"


def test_openfisca_yaml_cases_pass():
    assert run_tests(build_system(), [str(YAML_DIR)]) == 0
