"""``openfisca test policy_weihai`` (the folder form) hands the whole package to pytest, which would read every YAML
file under it as a test file: the articles' ``parameters.yaml`` and ``coverage.yaml`` and the package's parameters are
not tests. Only ``tests.yaml`` files and YAML files under a ``tests`` folder are collected."""

from __future__ import annotations

from pathlib import Path


def is_yaml_test(path: Path) -> bool:
    """Whether a YAML file of the package holds OpenFisca tests (by its place, as scripts/test.sh finds them)."""
    return path.name == "tests.yaml" or "tests" in path.parent.parts


def pytest_ignore_collect(collection_path: Path, config: object) -> bool | None:
    if collection_path.suffix in (".yaml", ".yml") and not is_yaml_test(collection_path):
        return True
    return None
