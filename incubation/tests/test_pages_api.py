"""Pages, Excel import and API: who sees what (other parties' ids answer 404), the figures shown, bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from incubation import excel, services
from incubation.models import Evaluation, RosterChange, Stay
from incubation.services import add_stay, carrier_for, incubatee_for
from incubation.tests.conftest import certify, uscc
from registry.models import Recognition

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def wide_window(settings):
    """These tests record years-old rosters as a carrier; the back-dating window is tested in test_changes.py."""
    settings.INCUBATION_BACKDATE_DAYS = 100_000


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_carrier_account_sees_only_its_own_carrier(world):
    mine, other = carrier_for(world.incubator), carrier_for(world.accelerator)
    c = client_for(world.users["carrier"])
    assert c.get("/incubation/").url == f"/incubation/carriers/{mine.pk}/"
    assert f"/incubation/carriers/{mine.pk}/" in c.get(f"/registry/{world.incubator.pk}/").content.decode()
    page = c.get(f"/incubation/carriers/{mine.pk}/")
    assert page.status_code == 200 and "威海示例科技企业孵化器" in page.content.decode()
    stay = add_stay(None, other, incubatee_for(world.ents[3].uscc), D(2022, 1, 1))
    for url in (f"/incubation/carriers/{other.pk}/", f"/incubation/carriers/{other.pk}/add/",
                f"/incubation/carriers/{other.pk}/import/", f"/incubation/stays/{stay.pk}/edit/",
                f"/incubation/stays/{stay.pk}/exit/", f"/api/incubation/carriers/{other.pk}/stays/",
                f"/api/incubation/stays/{stay.pk}/"):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/incubation/stays/{stay.pk}/exit/", {"exited_on": "2023-01-01", "reason": "graduated"}).status_code == 404
    # A plain enterprise (not a carrier) has no carrier page; competitions are for staff.
    assert client_for(world.users["firm"]).get("/incubation/").status_code == 404
    assert c.get("/incubation/competitions/").status_code == 404


def test_district_sees_the_carriers_of_its_region_and_bureau_sees_all(world):
    carrier_for(world.incubator), carrier_for(world.accelerator)
    text = client_for(world.users["district"]).get("/incubation/").content.decode()
    assert "文登示例加速器" in text and "威海示例科技企业孵化器" not in text
    assert client_for(world.users["district"]).get(
        f"/incubation/carriers/{world.incubator.carrier.pk}/").status_code == 404
    text = client_for(world.users["bureau"]).get("/incubation/").content.decode()
    assert "文登示例加速器" in text and "威海示例科技企业孵化器" in text
    assert Client().get("/incubation/").status_code == 302  # anonymous → login


def test_add_graduate_and_see_the_figures(world, wide_window):
    carrier = carrier_for(world.incubator)
    c = client_for(world.users["carrier"])
    r = c.post(f"/incubation/carriers/{carrier.pk}/add/", {"uscc": world.ents[0].uscc, "entered_on": "2022-03-01",
                                                            "space": "A座301", "space_m2": "120", "services": "创业辅导"})
    assert r.status_code == 302
    r = c.post(f"/incubation/carriers/{carrier.pk}/add/", {"team_name": "海洋传感团队", "team_leader": "李明",
                                                            "entered_on": "2023-05-01"})
    assert r.status_code == 302
    certify(world.ents[0], D(2023, 6, 1))
    stay = Stay.objects.get(incubatee__organization=world.ents[0])
    bad = c.post(f"/incubation/stays/{stay.pk}/exit/", {"exited_on": "2022-01-01", "reason": "graduated"})
    assert "毕业/退出日期 2022-01-01 早于入驻日期 2022-03-01" in bad.content.decode()
    c.post(f"/incubation/stays/{stay.pk}/exit/", {"exited_on": "2024-01-01", "reason": "graduated"})
    page = c.get(f"/incubation/carriers/{carrier.pk}/").content.decode()
    assert '<strong id="n-current">1</strong>' in page  # the team
    assert '<strong id="n-graduates">1</strong>' in page
    assert '<strong id="n-upgrades">1</strong>' in page
    assert "2023-06-01" in page and "海洋传感团队（团队），负责人 李明" in page
    # The enterprise's registry profile shows where it was incubated.
    profile = client_for(world.users["bureau"]).get(f"/registry/{world.ents[0].pk}/").content.decode()
    assert 'id="incubation-chain"' in profile and "威海示例科技企业孵化器" in profile


def test_add_page_names_unknown_credit_code_and_overlap(world):
    carrier = carrier_for(world.incubator)
    c = client_for(world.users["carrier"])
    text = c.post(f"/incubation/carriers/{carrier.pk}/add/", {"uscc": uscc(777), "entered_on": "2022-03-01"}).content.decode()
    assert f"统一社会信用代码 {uscc(777)} 未在创新主体库中登记" in text
    add_stay(None, carrier_for(world.accelerator), incubatee_for(world.ents[1].uscc), D(2021, 1, 1))
    text = c.post(f"/incubation/carriers/{carrier.pk}/add/", {"uscc": world.ents[1].uscc, "entered_on": "2022-03-01"}).content.decode()
    assert "文登示例加速器" in text and "时间重叠" in text
    assert Stay.objects.count() == 1


def _workbook(rows: list[list]) -> bytes:
    wb = load_workbook(io.BytesIO(excel.template()))
    ws = wb[excel.SHEET]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_is_all_or_nothing_and_lists_every_bad_row(world, django_capture_on_commit_callbacks, wide_window):
    carrier = carrier_for(world.incubator)
    add_stay(None, carrier_for(world.accelerator), incubatee_for(world.ents[5].uscc), D(2021, 1, 1))
    data = _workbook([
        [world.ents[0].uscc, "", "", "2022-01-01", "A101", 50, "辅导", "", "", "否"],
        [world.ents[1].uscc, "", "", "2022-05-01", "", "", "", "2022-01-01", "毕业", "否"],  # exit before entry
        [uscc(888), "", "", "2022-01-01", "", "", "", "", "", "否"],  # unknown credit code
        [world.ents[5].uscc, "", "", "2022-01-01", "", "", "", "", "", "否"],  # in another carrier
        ["", "星海团队", "王芳", "2023-01-01", "", "", "", "", "", "否"],
    ])
    result = excel.import_roster(data, carrier, world.users["carrier"])
    assert not result.ok and result.created == 0
    assert len(result.errors) == 3
    assert result.errors[0].startswith("第3行：") and "早于入驻日期" in result.errors[0]
    assert result.errors[1].startswith("第4行：") and uscc(888) in result.errors[1]
    assert result.errors[2].startswith("第5行：") and "文登示例加速器" in result.errors[2]
    assert Stay.objects.count() == 1  # nothing written
    # The page lists them too.
    c = client_for(world.users["carrier"])
    page = c.post(f"/incubation/carriers/{carrier.pk}/import/",
                  {"file": io.BytesIO(data)}, format="multipart").content.decode()
    assert "第4行" in page
    # A good file, including a recorded move, imports in one go.
    good = _workbook([[world.ents[0].uscc, "", "", "2022-01-01", "A101", 50, "辅导", "", "", "否"],
                      [world.ents[5].uscc, "", "", "2022-06-01", "", "", "", "", "", "是"]])
    api = c.post(f"/api/incubation/carriers/{carrier.pk}/import/", {"file": io.BytesIO(data)})
    assert api.status_code == 400 and len(api.json()["errors"]) == 3 and api.json()["created"] == 0
    from registry.signals import registry_imported

    sent = []
    registry_imported.connect(lambda **kw: sent.append(kw["actor"]), weak=False, dispatch_uid="test.roster")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            api = c.post(f"/api/incubation/carriers/{carrier.pk}/import/", {"file": io.BytesIO(good)})
    finally:
        registry_imported.disconnect(dispatch_uid="test.roster")
    assert api.status_code == 201 and api.json() == {"created": 1, "pending": 1, "errors": []}
    assert len(sent) == 1  # the indicator figures are recounted after the import (issue 11)
    # The move waits for the accelerator's word; once it agrees, the accelerator's stay ends on the move day.
    accel = client_for(world.users["accel"])
    change = RosterChange.objects.get()
    assert "威海示例科技企业孵化器" in accel.get("/incubation/changes/").content.decode()
    accel.post(f"/incubation/changes/{change.pk}/decide/", {"decision": "accept"})
    assert Stay.objects.get(incubatee__organization=world.ents[5], carrier__stage="accelerator").exit_reason == "moved"


def test_api_lists_adds_and_refuses_bad_input_in_chinese(world, wide_window):
    carrier = carrier_for(world.incubator)
    c = client_for(world.users["carrier"])
    data = c.get("/api/incubation/carriers/").json()
    assert [x["name"] for x in (data["results"] if isinstance(data, dict) else data)] == ["威海示例科技企业孵化器"]
    r = c.post(f"/api/incubation/carriers/{carrier.pk}/stays/", {"uscc": world.ents[0].uscc, "entered_on": "2022-01-01"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["incubatee"] == world.ents[0].name
    stay_id = r.json()["id"]
    r = c.post(f"/api/incubation/stays/{stay_id}/exit/", {"exited_on": "2021-01-01", "exit_reason": "graduated"},
               content_type="application/json")
    assert r.status_code == 400 and "早于入驻日期" in str(r.json())
    r = c.post(f"/api/incubation/carriers/{carrier.pk}/stays/", {"uscc": uscc(999), "entered_on": "2022-01-01"},
               content_type="application/json")
    assert r.status_code == 400 and "未在创新主体库中登记" in str(r.json())
    assert len(c.get(f"/api/incubation/carriers/{carrier.pk}/stays/").json()) == 1
    schema = client_for(world.users["bureau"]).get("/api/schema/").content.decode()
    assert "/api/incubation/carriers/{id}/stays/" in schema


def test_evaluation_becomes_a_dated_event(world):
    """威政发〔2023〕5号 第29条: the yearly evaluation grade is recorded by staff as a dated platform_evaluation event."""
    carrier = carrier_for(world.incubator)
    bureau = client_for(world.users["bureau"])
    r = bureau.post(f"/incubation/carriers/{carrier.pk}/evaluation/",
                    {"year": 2024, "grade": "优秀", "evaluated_on": "2025-04-10", "reference": "威科发〔2025〕3号"})
    assert r.status_code == 302
    ev = Evaluation.objects.get()
    rec = Recognition.objects.get(pk=ev.recognition_id)
    assert (rec.kind, rec.subject, rec.grade, rec.occurred_on) == ("platform_evaluation", "incubator", "优秀", D(2025, 4, 10))
    services.record_evaluation(None, carrier, 2024, "良好", D(2025, 4, 12))  # a correction replaces it
    assert Recognition.objects.filter(kind="platform_evaluation").get().grade == "良好"
    assert "良好" in bureau.get(f"/incubation/carriers/{carrier.pk}/").content.decode()
    # The carrier itself may not grade itself.
    r = client_for(world.users["carrier"]).post(f"/incubation/carriers/{carrier.pk}/evaluation/",
                                               {"year": 2024, "grade": "优秀", "evaluated_on": "2025-04-10"})
    assert r.status_code == 404


def test_edit_and_incorporate_pages(world):
    from incubation.tests.conftest import make_enterprise

    carrier = carrier_for(world.incubator)
    c = client_for(world.users["carrier"])
    team = incubatee_for(team_name="深蓝团队", team_leader="周航")
    stay = add_stay(None, carrier, team, D(2023, 2, 1))
    r = c.post(f"/incubation/stays/{stay.pk}/edit/", {"entered_on": "2023-02-01", "space": "C座808", "space_m2": "88",
                                                       "services": "投融资对接"})
    assert r.status_code == 302
    stay.refresh_from_db()
    assert (stay.space, stay.services) == ("C座808", "投融资对接")
    bad = c.post(f"/incubation/stays/{stay.pk}/incorporate/", {"uscc": uscc(4321)}).content.decode()
    assert f"统一社会信用代码 {uscc(4321)} 未在创新主体库中登记" in bad
    org = make_enterprise(4321, world.huancui, "威海深蓝科技有限公司")
    # A carrier may not hand the team's stay to a firm that existed before the team entered (issue 25).
    bad = c.post(f"/incubation/stays/{stay.pk}/incorporate/", {"uscc": org.uscc}).content.decode()
    assert "成立于 2015-01-01，早于团队入驻日期 2023-02-01" in bad and Stay.objects.get(pk=stay.pk).incubatee.is_team
    org.established_on = D(2023, 7, 1)
    org.save(update_fields=["established_on"])
    assert c.post(f"/incubation/stays/{stay.pk}/incorporate/", {"uscc": org.uscc, "on": "2023-08-01"}).status_code == 302
    page = c.get(f"/incubation/carriers/{carrier.pk}/").content.decode()
    assert "威海深蓝科技有限公司" in page and "C座808（88.0㎡）" in page
    # Another carrier's account cannot touch it.
    assert client_for(world.users["maker"]).post(f"/incubation/stays/{stay.pk}/edit/", {}).status_code == 404
