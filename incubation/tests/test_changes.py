"""Rosters cannot mint rewards (issue 25): a carrier account cannot take another carrier's incubatee nor back-date an
entry on its own; such changes wait for the other carrier's or the bureau's word, and only agreed stays make A 第16条
events. Also the other incubation items of issues 25 and 26 (growth, page titles, bad numbers and dates, ISO dates)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from core.models import AuditEvent
from incubation import excel
from incubation.models import RosterChange, Stay
from incubation.services import add_stay, carrier_for, incubatee_for
from incubation.tests.conftest import certify
from incubation.tests.test_pages_api import _workbook, client_for
from incubation.tests.test_services import _a16

pytestmark = pytest.mark.django_db
D = dt.date


def test_attack_replayed_back_dated_roster_entries_leave_the_entitlement_unchanged(world):
    mine, other = carrier_for(world.incubator), carrier_for(world.makerspace)
    # The caller's one honest upgrade in 2025, and another carrier's incubatee that upgrades in 2025.
    add_stay(None, mine, incubatee_for(world.ents[4].uscc), D(2024, 1, 1))
    certify(world.ents[4], D(2025, 5, 1))
    theirs = add_stay(None, other, incubatee_for(world.ents[1].uscc), D(2023, 1, 1))
    certify(world.ents[1], D(2025, 3, 10))
    certify(world.ents[2], D(2025, 3, 10))  # on no roster at all
    assert (_a16(world.incubator, 2025), _a16(world.makerspace, 2025)) == (Decimal(100000), Decimal(100000))

    api = client_for(world.users["carrier"])
    url = f"/api/incubation/carriers/{mine.pk}/stays/"
    taken = api.post(url, {"uscc": world.ents[1].uscc, "entered_on": "2025-03-01", "moved_in": True},
                     content_type="application/json")
    assert taken.status_code == 202 and taken.json()["status_display"] == "待处理"
    assert "须市科技局审核" in taken.json()["why"] and taken.json()["awaiting_display"] == "市科技局审核"
    unrostered = api.post(url, {"uscc": world.ents[2].uscc, "entered_on": "2025-03-01"}, content_type="application/json")
    assert unrostered.status_code == 202
    overlap = api.post(url, {"uscc": world.ents[1].uscc, "entered_on": "2025-03-01"}, content_type="application/json")
    assert overlap.status_code == 400 and "时间重叠" in str(overlap.json())

    assert _a16(world.incubator, 2025) == Decimal(100000)  # unchanged: 1 × 10 万元
    assert _a16(world.makerspace, 2025) == Decimal(100000)
    theirs.refresh_from_db()
    assert theirs.exited_on is None and Stay.objects.filter(carrier=mine).count() == 1
    # Stretching a closed stay over a later certification waits for the bureau too.
    old = add_stay(None, mine, incubatee_for(world.ents[3].uscc), D(2021, 1, 1), exited_on=D(2022, 1, 1),
                   exit_reason="graduated")
    certify(world.ents[3], D(2023, 6, 1))
    r = api.post(f"/api/incubation/stays/{old.pk}/exit/", {"exited_on": "2023-12-31", "exit_reason": "graduated"},
                 content_type="application/json")
    assert r.status_code == 202 and "推迟到 2023-12-31" in r.json()["why"]
    assert _a16(world.incubator, 2023) == 0
    # The caller cannot decide its own requests; the bureau sees and decides them, and then the move counts.
    assert api.post(f"/incubation/changes/{taken.json()['id']}/decide/", {"decision": "accept"}).status_code == 404
    bureau = client_for(world.users["bureau"])
    assert "待处理 3 条" in bureau.get("/incubation/").content.decode()
    page = bureau.get("/incubation/changes/").content.decode()
    assert "待您处理（3 条）" in page and "入驻日期 2025-03-01 早于 30 天前，须市科技局审核" in page
    bureau.post(f"/incubation/changes/{taken.json()['id']}/decide/", {"decision": "accept", "note": "核实入驻协议"})
    bureau.post(f"/incubation/changes/{unrostered.json()['id']}/decide/", {"decision": "refuse"})
    assert _a16(world.incubator, 2025) == Decimal(200000) and _a16(world.makerspace, 2025) == 0
    assert RosterChange.objects.get(pk=unrostered.json()["id"]).status == "refused"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"incubation.change_requested", "incubation.change_accepted", "incubation.change_refused",
            "incubation.stay_added"} <= actions


def test_a_move_within_the_window_waits_for_the_other_carrier(world):
    mine, other = carrier_for(world.incubator), carrier_for(world.makerspace)
    theirs = add_stay(None, other, incubatee_for(world.ents[6].uscc), D(2024, 1, 1))
    day = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    c = client_for(world.users["carrier"])
    r = c.post(f"/incubation/carriers/{mine.pk}/add/", {"uscc": world.ents[6].uscc, "entered_on": day, "moved_in": "on"},
               follow=True)
    assert "已提交名册变更申请" in r.content.decode() and "须原载体同意" in r.content.decode()
    assert '<strong id="n-requested">1</strong>' in c.get(f"/incubation/carriers/{mine.pk}/").content.decode()
    maker = client_for(world.users["maker"])
    assert '<strong id="n-awaiting">1</strong>' in maker.get(f"/incubation/carriers/{other.pk}/").content.decode()
    notices = maker.get("/screening/notices/").content.decode()  # the navigation's 通知 counts it too
    assert "名册变更待您处理" in notices and "须贵载体同意或拒绝" in notices
    todo = maker.get("/todo/").content.decode()  # and it is on the carrier's 我的待办 (issue 24 item 5)
    assert "待您处理的孵化名册变更" in todo and world.ents[6].name in todo
    change = RosterChange.objects.get()
    assert client_for(world.users["accel"]).post(f"/incubation/changes/{change.pk}/decide/",
                                                 {"decision": "accept"}).status_code == 404
    maker.post(f"/incubation/changes/{change.pk}/decide/", {"decision": "refuse", "note": "企业未迁出"})
    theirs.refresh_from_db()
    assert theirs.exited_on is None and not Stay.objects.filter(carrier=mine).exists()
    assert "已拒绝" in c.get("/incubation/changes/").content.decode()
    # Asked again, agreed: the move is recorded on the day asked for.
    c.post(f"/incubation/carriers/{mine.pk}/add/", {"uscc": world.ents[6].uscc, "entered_on": day, "moved_in": "on"})
    again = RosterChange.objects.get(status="pending")
    maker.post(f"/incubation/changes/{again.pk}/decide/", {"decision": "accept"})
    theirs.refresh_from_db()
    assert (theirs.exited_on.isoformat(), theirs.exit_reason) == (day, "moved")
    assert Stay.objects.get(carrier=mine).moved_from_id == theirs.pk
    # A new entry within the window is recorded at once; an edit back beyond it waits for the bureau.
    recent = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    c.post(f"/incubation/carriers/{mine.pk}/add/", {"uscc": world.ents[7].uscc, "entered_on": recent})
    stay = Stay.objects.get(incubatee__organization=world.ents[7])
    c.post(f"/incubation/stays/{stay.pk}/edit/", {"entered_on": "2020-01-01", "space": "", "services": ""})
    stay.refresh_from_db()
    assert stay.entered_on.isoformat() == recent
    assert RosterChange.objects.get(stay=stay).awaiting == "staff"


def test_growth_counts_only_qualifications_gained_during_or_after_the_stay(world):
    carrier = carrier_for(world.incubator)
    add_stay(None, carrier, incubatee_for(world.ents[0].uscc), D(2024, 2, 1))
    certify(world.ents[0], D(2023, 3, 1), kind="tech_sme")  # before entry: not growth
    add_stay(None, carrier, incubatee_for(world.ents[1].uscc), D(2024, 2, 1))
    certify(world.ents[1], D(2024, 9, 1), kind="tech_sme")
    page = client_for(world.users["carrier"]).get(f"/incubation/carriers/{carrier.pk}/").content.decode()
    assert '<strong id="n-growth">1</strong>' in page
    growth = page[page.index('id="growth"'):page.index('id="upgrades"')]
    assert world.ents[1].name in growth and world.ents[0].name not in growth


def test_no_page_of_the_app_has_a_tag_or_a_csrf_token_in_its_title(world):
    carrier = carrier_for(world.incubator)
    team = add_stay(None, carrier, incubatee_for(team_name="深蓝团队", team_leader="周航"), D(2024, 2, 1))
    urls = ["/incubation/", f"/incubation/carriers/{carrier.pk}/", f"/incubation/carriers/{carrier.pk}/add/",
            f"/incubation/carriers/{carrier.pk}/import/", f"/incubation/stays/{team.pk}/edit/",
            f"/incubation/stays/{team.pk}/exit/", f"/incubation/stays/{team.pk}/incorporate/",
            "/incubation/competitions/", "/incubation/changes/"]
    bureau = client_for(world.users["bureau"])
    for url in urls:
        page = bureau.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "<" not in title and "csrf" not in title.lower() and title.strip(), (url, title)
    assert "<title>创新创业大赛" in bureau.get("/incubation/competitions/").content.decode()


@pytest.mark.parametrize("area", ["NaN", "inf", "-Infinity", 1e30, "1e30"])
def test_import_with_an_impossible_area_is_a_row_error(world, area):
    carrier = carrier_for(world.incubator)
    recent = dt.date.today().isoformat()
    data = _workbook([[world.ents[0].uscc, "", "", recent, "A101", area, "辅导", "", "", "否"]])
    page = client_for(world.users["carrier"]).post(f"/incubation/carriers/{carrier.pk}/import/",
                                                   {"file": io.BytesIO(data)})
    assert page.status_code == 200
    text = page.content.decode()
    assert "第2行：场地面积" in text and not Stay.objects.exists()
    assert excel.import_roster(data, carrier, None).errors[0].startswith("第2行：场地面积")


def test_stay_dates_in_year_0001_or_9999_are_refused_naming_the_field(world):
    carrier = carrier_for(world.incubator)
    api = client_for(world.users["bureau"])
    url = f"/api/incubation/carriers/{carrier.pk}/stays/"
    r = api.post(url, {"uscc": world.ents[0].uscc, "entered_on": "0001-01-01"}, content_type="application/json")
    assert r.status_code == 400 and "入驻日期 0001-01-01 不合理" in r.json()["entered_on"][0]
    r = api.post(url, {"uscc": world.ents[0].uscc, "entered_on": "9999-12-31"}, content_type="application/json")
    assert r.status_code == 400 and "入驻日期不能晚于今天" in r.json()["entered_on"][0]
    stay = add_stay(None, carrier, incubatee_for(world.ents[0].uscc), D(2024, 1, 1))
    r = api.post(f"/api/incubation/stays/{stay.pk}/exit/", {"exited_on": "0001-01-01", "exit_reason": "left"},
                 content_type="application/json")
    assert r.status_code == 400 and "毕业/退出日期 0001-01-01 不合理" in str(r.json())
    page = api.post(f"/incubation/stays/{stay.pk}/exit/", {"exited_on": "9999-12-31", "reason": "left"})
    assert page.status_code == 200 and "毕业/退出日期不能晚于今天" in page.content.decode()
    # The same numbers typed into the page and the API: a field error, never a 500.
    for area in ("NaN", "inf", "1e30"):
        page = api.post(f"/incubation/carriers/{carrier.pk}/add/", {"uscc": world.ents[1].uscc,
                                                                     "entered_on": "2024-01-01", "space_m2": area})
        assert page.status_code == 200 and "errorlist" in page.content.decode(), area
        r = api.post(url, {"uscc": world.ents[1].uscc, "entered_on": "2024-01-01", "space_m2": area},
                     content_type="application/json")
        assert r.status_code == 400 and "space_m2" in r.json(), area
    assert not Stay.objects.filter(incubatee__organization=world.ents[1]).exists()


def _inputs(html: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html)}


def test_exit_and_edit_forms_render_iso_dates_kept_when_submitted_unchanged(world):
    carrier = carrier_for(world.incubator)
    stay = add_stay(None, carrier, incubatee_for(world.ents[0].uscc), D(2024, 3, 3))
    c = client_for(world.users["bureau"])
    exit_page = c.get(f"/incubation/stays/{stay.pk}/exit/").content.decode()
    today = dt.date.today().isoformat()
    assert f'type="date" name="exited_on" value="{today}"' in exit_page
    c.post(f"/incubation/stays/{stay.pk}/exit/", {**_inputs(exit_page), "reason": "graduated"})
    stay.refresh_from_db()
    assert stay.exited_on.isoformat() == today
    edit_page = c.get(f"/incubation/stays/{stay.pk}/edit/").content.decode()
    assert 'type="date" name="entered_on" value="2024-03-03"' in edit_page
    c.post(f"/incubation/stays/{stay.pk}/edit/", {"space": "", "services": "", **_inputs(edit_page)})
    stay.refresh_from_db()
    assert stay.entered_on == D(2024, 3, 3)

