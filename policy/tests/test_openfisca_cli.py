"""policy_weihai is a valid OpenFisca country package: ``openfisca test`` runs every YAML test file of the package
(as CI does in scripts/test.sh), and the OpenFisca Web API (what ``openfisca serve`` runs) answers for it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "policy_weihai"


def yaml_test_files() -> list[Path]:
    """The package's OpenFisca YAML test files: one ``tests.yaml`` per article folder, and any under a ``tests`` folder
    (the articles' ``parameters.yaml`` and ``coverage.yaml`` are not tests)."""
    return sorted(set(PACKAGE.glob("tests/**/*.yaml")) | set(PACKAGE.glob("**/tests.yaml")))


def _case_count(path: Path) -> int:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    return len(content) if isinstance(content, list) else 1


def test_openfisca_test_command_runs_every_yaml_file():
    files = yaml_test_files()
    assert files, "policy_weihai 下没有找到 OpenFisca YAML 测试文件"
    openfisca = Path(sys.executable).with_name("openfisca")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([str(openfisca), "test", *map(str, files), "--country-package", "policy_weihai"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) == sum(map(_case_count, files)), output[-2000:]


@pytest.fixture(scope="module")
def api():
    from openfisca_web_api.app import create_app

    from policy_weihai import CountryTaxBenefitSystem

    return create_app(CountryTaxBenefitSystem()).test_client()


def test_web_api_calculates_b09_rd_growth_subsidy(api):
    # 威政发〔2023〕5号 第9条: R&D 2,000 万 → 2,300 万 (growth 15% ≥ 10%, increment 300 万 > 100 万) → 300 万 × 5% = 15 万
    year = {"2024": True}
    body = {"events": {"e1": {}},
            "organisations": {"o1": {"events": ["e1"], "org_is_enterprise": year, "above_designated_size": year,
                                     "rd_active": year, "is_tech_sme": year, "rd_expense": {"2024": 23_000_000},
                                     "rd_expense_prev": {"2024": 20_000_000}, "b09_rd_growth_subsidy": {"2024": None}}}}
    response = api.post("/calculate", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["organisations"]["o1"]["b09_rd_growth_subsidy"]["2024"] == pytest.approx(150_000)

    body["organisations"]["o1"]["rd_expense"] = {"2024": 21_500_000}  # increment 150 万 < 10% of 2,000 万
    response = api.post("/calculate", json=body)
    assert response.get_json()["organisations"]["o1"]["b09_rd_growth_subsidy"]["2024"] == 0


def test_web_api_lists_parameters_and_variables(api):
    parameters = api.get("/parameters")
    assert parameters.status_code == 200
    assert "b.art_09.rate" in parameters.get_json()
    rate = api.get("/parameter/b.art_09.rate").get_json()
    assert rate["values"] == {"2023-07-13": 0.05, "2028-07-13": None}
    assert rate["metadata"]["reference"] == "威政发〔2023〕5号 第9条"

    variables = api.get("/variables")
    assert variables.status_code == 200
    assert "b09_rd_growth_subsidy" in variables.get_json()
    variable = api.get("/variable/b09_rd_growth_subsidy").get_json()
    assert variable["entity"] == "organisation" and variable["references"] == ["威政发〔2023〕5号 第9条"]
