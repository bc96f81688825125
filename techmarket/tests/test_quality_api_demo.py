"""Matching quality floor on the labelled set, the REST API in the OpenAPI schema, the Excel export, the demo."""

from __future__ import annotations

import io

import numpy as np
from django.core.management import call_command
from openpyxl import load_workbook

from techmarket.matching import TextIndex
from techmarket.models import Match, TechContract, TechNeed
from techmarket.quality import measure
from techmarket.tests.conftest import ACHIEVEMENT, NEED, TODAY, contract

#: First measurement (3,000 achievements, 300 needs, seed 1): precision@5 0.427, recall@10 0.595.
PRECISION_AT_5_FLOOR = 0.40
RECALL_AT_10_FLOOR = 0.56


def test_matching_quality_stays_above_the_floor():
    r = measure(3000, 300, seed=1)
    assert r["precision_at_5"] >= PRECISION_AT_5_FLOOR, r
    assert r["recall_at_10"] >= RECALL_AT_10_FLOOR, r


def test_batch_and_single_search_agree():
    texts = ["碳纤维预浸料热压罐成型", "海参低温加工保鲜", "永磁同步电机矢量控制", "激光焊接熔池监测", "光模块耦合封装"]
    index = TextIndex(range(5), texts)
    ids, scores = index.search_many(["碳纤维成型工艺", "电机控制"], k=2)
    assert ids[0, 0] == index.search("碳纤维成型工艺", 1)[0].id == 0 and ids[1, 0] == 2
    assert np.isclose(scores[0, 0], index.search("碳纤维成型工艺", 1)[0].score, atol=0.1)
    sparse_ids, sparse_scores = index.search_many(["碳纤维成型工艺", "电机控制"], k=2, dense_budget=0)
    assert (sparse_ids == ids).all() and np.allclose(sparse_scores, scores)
    padded, _ = index.search_many(["海参"], k=3)
    assert padded[0].tolist() == [1, -1, -1]  # one document matches; the rest is padding


def test_api_needs_achievements_matches_contracts(world, listed):
    need, ach, _ = listed
    alice = world.client("alice")
    r = alice.post("/api/techmarket/needs/", {**NEED, "title": "API 需求"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    r = world.client("uni").post("/api/techmarket/achievements/", {**ACHIEVEMENT, "title": "API 成果"},
                                 content_type="application/json")
    assert r.status_code == 201
    sug = alice.get(f"/api/techmarket/needs/{need.pk}/suggestions/").json()
    assert sug["achievements"][0]["id"] == ach.pk and "碳纤维" in sug["achievements"][0]["terms"]
    r = alice.post("/api/techmarket/matches/", {"need": need.pk, "achievement": ach.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = world.client("uni").post(f"/api/techmarket/matches/{mid}/transition/", {"action": "negotiate"},
                                 content_type="application/json")
    assert r.json()["status"] == "negotiating"
    body = {"title": "API 合同", "contract_type": "tech_development", "signed_on": TODAY.isoformat(),
            "amount": "1000000", "match": mid, "buyer": {"organization": world.alice.pk},
            "seller": {"organization": world.uni.pk}, "payments": [{"paid_on": TODAY.isoformat(), "amount": "400000"}]}
    r = alice.post("/api/techmarket/contracts/", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    bad = alice.post("/api/techmarket/contracts/", {**body, "seller": {"organization": world.alice.pk}},
                     content_type="application/json")
    assert bad.status_code == 400 and "同一单位" in bad.json()["seller_uscc"][0]
    cid = r.json()["id"]
    r = world.client("bureau").post(f"/api/techmarket/contracts/{cid}/register/",
                                    {"registration_number": "API-1", "registered_on": TODAY.isoformat()},
                                    content_type="application/json")
    assert r.json()["status"] == "registered" and r.json()["registration_number"] == "API-1"
    assert Match.objects.get(pk=mid).status == "signed"
    schema = world.client("bureau").get("/api/schema/").content.decode()
    for path in ("/api/techmarket/needs/", "/api/techmarket/achievements/", "/api/techmarket/matches/",
                 "/api/techmarket/contracts/", "/api/techmarket/contracts/{id}/register/"):
        assert path in schema


def test_report_figures_and_excel(world, listed):
    contract(world, amount="2000000", number="R1")
    contract(world, kind="tech_consulting", amount="500000", paid="500000", number="R2")
    page = world.client("bureau").get("/techmarket/reports/").content.decode()
    assert "200.00 万元" in page and "50.00 万元" in page and "echarts.min.js" in page
    r = world.client("bureau").get("/techmarket/reports/?format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    rows = {row[0]: row for row in wb["合同类型"].iter_rows(values_only=True)}
    assert rows["技术开发"][1:] == (1, 2000000.0, 2000000.0) and rows["技术咨询"][1] == 1
    district = {row[0]: row for row in wb["合同区市"].iter_rows(values_only=True)}
    assert district[world.alice.region.name][1] == 2


def test_demo_data_has_every_state_and_registered_contracts(demo_city):
    call_command("techmarket_demo", "--needs", "300", "--achievements", "300")
    assert TechNeed.objects.count() == 300
    assert set(Match.objects.values_list("status", flat=True)) == {"intent", "negotiating", "signed", "abandoned"}
    assert TechContract.objects.filter(status="registered").exists()
    assert set(TechNeed.objects.values_list("kind", flat=True)) == {"chokepoint", "chain", "system", "disruptive"}
    call_command("techmarket_demo")  # idempotent
    assert TechNeed.objects.count() == 300
