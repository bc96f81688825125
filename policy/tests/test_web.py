"""Pages, REST API, command line and the registry-backed service functions (on the demo city)."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import User
from policy import services
from registry.models import Organization, Recognition

YEAR = 2024

#: A 科技型中小企业 in 2024: B 第14条 pays only 科技型企业 buyers.
SME = {"kind": "tech_sme", "valid_from": "2024-01-01", "valid_to": "2024-12-31"}


@pytest.fixture
def city(demo_city):
    return demo_city


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


@pytest.mark.django_db
def test_catalogue_and_coverage_pages(city):
    c = client_for("bureau")
    page = c.get("/policy/").content.decode()
    assert "威政发〔2023〕5号 第9条" in page and "2028-07-13" in page
    # issue 13: codes only inside the staff page's 技术信息 sections; values as readers say them
    visible = re.sub(r"<details class=\"tech\">.*?</details>", "", page, flags=re.S)
    assert "a_survives_b" in page and "a_survives_b" not in visible and "True" not in visible
    assert "POLICY_INTERPRETATIONS" not in visible and "principal_one_year" not in visible
    assert "20 件" in visible  # A 第14条 patent threshold in 件, not 元
    cov = c.get("/policy/coverage/").content.decode()
    assert "未编码" in cov and "威政办字〔2018〕107号" in cov
    assert "《威海市“十四五”科技创新规划》只设目标与管理要求" in cov  # the jurisdiction's own note
    assert Client().get("/policy/").status_code == 302
    # enterprise accounts read the public catalogue, without codes
    ent = client_for("enterprise")
    assert ent.get("/policy/")["Location"] == "/portal/catalogue/"
    assert ent.get("/policy/coverage/")["Location"] == "/portal/catalogue/"


@pytest.mark.django_db
def test_api_evaluate_and_errors(city):
    c = client_for("bureau")
    body = {"situation": {"kind": "enterprise", "qualifications": [SME], "recognitions": [
        {"kind": "tech_contract", "subject": "tech_development", "occurred_on": "2024-03-01", "amount": "2000000"}]}, "period": "2024"}
    r = c.post("/api/policy/evaluate/", body, content_type="application/json")
    b14 = [x for x in r.json()["results"] if x["provision_id"] == "B.14.contract_subsidy"]
    assert r.status_code == 200 and b14[0]["amount"] == "100000.00"
    bad = c.post("/api/policy/evaluate/", {"situation": {"kind": "enterprise", "x": 1}, "period": "2024"},
                 content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"].startswith("situation.x")
    schema = c.get("/api/schema/")
    assert schema.status_code == 200 and "/api/policy/evaluate/" in schema.content.decode()


@pytest.mark.django_db
def test_api_organization_permissions(city):
    own = User.objects.get(username="enterprise").organization
    other = Organization.objects.exclude(pk=own.pk).first()
    ent = client_for("enterprise")
    assert ent.get(f"/api/policy/organizations/{own.pk}/?year={YEAR}").status_code == 200
    assert ent.get(f"/api/policy/organizations/{other.pk}/?year={YEAR}").status_code == 404
    assert client_for("bureau").get(f"/api/policy/organizations/{other.pk}/?year={YEAR}").status_code == 200
    assert client_for("bureau").get(f"/api/policy/organizations/{other.pk}/?year=abc").status_code == 400


@pytest.mark.django_db
def test_evaluate_many_matches_single(city):
    """evaluate_many (vectorised batches) gives the same results as evaluate_organization, one by one."""
    org = Organization.objects.first()
    Recognition.objects.create(organization=org, kind="tech_contract", subject="tech_development",
                               occurred_on="2024-03-01", amount=2_000_000)
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True)[:80])
    many = dict(services.evaluate_many(ids, YEAR))
    assert set(many) == set(ids)
    for pk in ids[:10]:
        single = services.evaluate_organization(Organization.objects.get(pk=pk), YEAR).results
        assert [(r.provision_id, r.amount, r.status) for r in single] == [
            (r.provision_id, r.amount, r.status) for r in many[pk]]
    assert any(r.provision_id == "B.14.contract_subsidy" for r in many[org.pk])
    for results in many.values():
        for r in results:
            assert r.document and r.article and r.amount >= 0


@pytest.mark.django_db
def test_cli_evaluate_policy_and_coverage(city, tmp_path):
    org = Organization.objects.first()
    out = StringIO()
    call_command("evaluate_policy", "--organization", str(org.pk), "--year", "2023", "--to-year", "2024", stdout=out)
    assert "2023 年度" in out.getvalue() and "2024 年度" in out.getvalue()
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"kind": "enterprise", "qualifications": [SME], "recognitions": [
        {"kind": "tech_contract", "subject": "tech_development", "occurred_on": "2024-03-01", "amount": "8000000"}]}), encoding="utf-8")
    out = StringIO()
    call_command("evaluate_policy", "--situation", str(path), "--period", "2024", "--json", stdout=out)
    b14 = [x for x in json.loads(out.getvalue())[0]["results"] if x["provision_id"] == "B.14.contract_subsidy"]
    assert b14[0]["amount"] == "300000.00"
    with pytest.raises(CommandError, match="--organization"):
        call_command("evaluate_policy", "--organization", "999999", "--year", "2024")
    path.write_text(json.dumps({"kind": "enterprise", "annual_facts": {"2024": {"rd_expense": "-1"}}}))
    with pytest.raises(CommandError, match="rd_expense"):
        call_command("evaluate_policy", "--situation", str(path), "--period", "2024")
    out = StringIO()
    call_command("policy_coverage", stdout=out)
    assert "已编码" in out.getvalue() and "b09_rd_growth_subsidy" in out.getvalue()
