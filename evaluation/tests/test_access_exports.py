"""Who reads what (the de-identified evaluator role), the API, the CLI and the exports (issue 29)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from evaluation.tests.conftest import YEARS

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    from evaluation.demo import plant
    from registry.demo import generate

    generate(enterprises=300, seed=7, with_accounts=False)
    plant("B.09.rd_growth_subsidy", effect=0.08, years=range(YEARS[0], YEARS[1] + 1), claim_share=0.9)


def _secrets() -> list[str]:
    """Every paid organisation's name and credit code, and the bank accounts of the ledger."""
    from funding.money import paid_by_provision
    from registry.models import Organization

    ids = [o for o, _, _ in paid_by_provision("B.09.rd_growth_subsidy", range(2000, 2030))]
    assert ids
    out = []
    for name, uscc in Organization.objects.filter(pk__in=ids).values_list("name", "uscc"):
        out += [name, uscc]
    return out + [str(i) for i in ids if i > 999]


def test_evaluator_starts_reads_and_exports_de_identified_data_only(city, users, immediate_queue, client):
    client.force_login(users["evaluator"])
    answer = client.post("/api/evaluation/runs/", {"provision_id": "B.09.rd_growth_subsidy", "outcome": "rd_expense",
                                                   "year_from": YEARS[0], "year_to": YEARS[1]},
                         content_type="application/json")
    assert answer.status_code == 201, answer.content
    run_id = answer.json()["id"]
    detail = client.get(f"/api/evaluation/runs/{run_id}/").json()
    assert detail["status"] == "done"
    sample = client.get(f"/api/evaluation/runs/{run_id}/sample/").json()
    assert sample["rows"] and all(row["id"].startswith("E") and len(row["id"]) == 11 for row in sample["rows"])
    assert {"name", "uscc", "bank_account", "organization_id"}.isdisjoint(sample["rows"][0])
    page = client.get(f"/evaluation/runs/{run_id}/").content.decode()
    xlsx = client.get(f"/evaluation/runs/{run_id}/report.xlsx")
    pdf = client.get(f"/api/evaluation/runs/{run_id}/report.pdf")
    assert xlsx.status_code == 200 and pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    wb = load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    text = json.dumps(detail, ensure_ascii=False) + json.dumps(sample, ensure_ascii=False) + page + cells
    leaked = [s for s in _secrets() if s and s in text]
    assert not leaked, leaked[:5]
    client.force_login(users["other_evaluator"])  # another evaluator's evaluation, not opened by the bureau
    assert client.get(f"/api/evaluation/runs/{run_id}/").status_code == 404


def test_bureau_opens_an_evaluation_to_evaluators(city, users, immediate_queue, client):
    from evaluation import services

    run = services.start_run(users["bureau"], "B.09.rd_growth_subsidy", "rd_expense", *YEARS)
    client.force_login(users["evaluator"])
    assert client.get(f"/evaluation/runs/{run.pk}/").status_code == 404
    assert client.get(f"/api/evaluation/runs/{run.pk}/").status_code == 404
    client.force_login(users["finance"])  # finance reads every evaluation but may not open it
    assert client.get(f"/evaluation/runs/{run.pk}/").status_code == 200
    assert client.post(f"/evaluation/runs/{run.pk}/share/", {"shared": "1"}).status_code == 403
    client.force_login(users["bureau"])
    assert client.post(f"/evaluation/runs/{run.pk}/share/", {"shared": "1"}).status_code == 302
    client.force_login(users["evaluator"])
    assert client.get(f"/api/evaluation/runs/{run.pk}/").json()["id"] == run.pk
    client.force_login(users["other_evaluator"])
    assert client.get(f"/evaluation/runs/{run.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["district", "enterprise"])
def test_other_roles_are_refused(users, client, role):
    client.force_login(users[role])
    assert client.get("/evaluation/").status_code == 403
    assert client.get("/api/evaluation/runs/").status_code == 403


def test_api_bad_input_is_a_chinese_400_naming_the_field(users, client):
    client.force_login(users["bureau"])
    answer = client.post("/api/evaluation/runs/", {"provision_id": "B.09.rd_growth_subsidy", "year_from": "明年",
                                                   "year_to": 2025}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["field"] == "year_from"
    assert "起始年度" in answer.json()["detail"]
    page = client.post("/evaluation/", {"provision_id": "B.09.rd_growth_subsidy", "outcome": "rd_expense",
                                        "year_from": 2025, "year_to": 2023})
    assert page.status_code == 200 and "截止年度：不能早于起始年度。" in page.content.decode()


def test_exports_hold_the_data_behind_every_chart(city, users, immediate_queue, client):
    from evaluation import services

    run = services.start_run(users["bureau"], "B.09.rd_growth_subsidy", "rd_expense", *YEARS)
    r = run.result
    client.force_login(users["bureau"])
    wb = load_workbook(io.BytesIO(client.get(f"/evaluation/runs/{run.pk}/report.xlsx").content))
    assert {"结论", "年度规模", "结果路径", "事前趋势检验", "断点图", "成本效益", "去标识样本"} <= set(wb.sheetnames)
    sizes = {row[0]: row[3] for row in wb["年度规模"].iter_rows(min_row=2, values_only=True)}
    assert sizes == {c["year"]: c["paid"] for c in r["cohorts"]}
    ce = list(wb["成本效益"].iter_rows(min_row=2, values_only=True))
    assert ce[0][0] == "全市" and ce[0][2] == pytest.approx(r["cost_effectiveness"]["total"]["paid"])
    paths = list(wb["结果路径"].iter_rows(min_row=2, values_only=True))
    assert [p[1] for p in paths] == pytest.approx(r["paths"]["treated"])
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(client.get(f"/evaluation/runs/{run.pk}/report.pdf").content))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "政策成效评估" in text and "成本效益" in text


def test_cli_runs_an_evaluation_and_writes_its_files(city, tmp_path):
    out = io.StringIO()
    call_command("evaluate_impact", "--provision", "B.09.rd_growth_subsidy", "--from", str(YEARS[0]), "--to",
                 str(YEARS[1]), "--json", "--pdf", str(tmp_path / "r.pdf"), "--xlsx", str(tmp_path / "r.xlsx"),
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data["status"] == "done" and "sample" not in data["result"]
    assert data["result"]["paid_firms"] > 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "r.xlsx").stat().st_size > 0


def test_demo_command_plants_paid_claims_through_the_ledger(db):
    from funding.money import paid_by_provision
    from registry.demo import generate

    generate(enterprises=300, seed=7, with_accounts=False)
    out = io.StringIO()
    call_command("evaluation_demo", "--provision", "B.17.hte_growth_reward", "--effect", "0", "--from", "2023",
                 "--to", "2025", "--claim-share", "1", stdout=out)
    paid = paid_by_provision("B.17.hte_growth_reward", range(2023, 2026))
    assert paid and all(amount == 50000 for _, _, amount in paid)  # B 第17条: 5 万元 one-time reward
    assert f"补助 {len(paid) * 50000:,.2f} 元" in out.getvalue()
