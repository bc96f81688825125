"""Issue 13: the dashboard's figures as a leader reads them (demo city + demo observations)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from indicators import demo, services
from indicators.models import Indicator, Observation


@pytest.fixture
def seeded(demo_city):
    demo.seed()
    return demo_city


def test_every_indicator_has_a_demo_series_marked_as_demo(seeded):
    rows = services.dashboard(2025)
    empty = [r["indicator"].code for r in rows if r["progress"].status == "no_data"]
    assert empty == []
    assert Observation.objects.filter(channel="demo").exclude(source__contains="示范数据").count() == 0
    counts = Observation.objects.filter(channel="demo", indicator__unit_kind="count")
    assert all(o.value == o.value.to_integral_value() for o in counts)  # counts are whole numbers
    assert demo.seed(if_empty=False) == 0  # idempotent


def test_dashboard_shows_no_negative_share_and_final_verdicts(seeded):
    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    body = client.get("/indicators/").content.decode()
    assert not re.search(r"-\d+(\.\d)?%", body.replace("−", "-"))
    for r in services.dashboard(2025):
        share = r["progress"].share_of_way
        assert share is None or share >= 0
        if r["indicator"].target_year < 2025 and r["progress"].status != "insufficient":
            assert r["progress"].final and r["progress"].status in ("achieved", "missed")
            assert r["latest"] is None or r["latest"].year <= r["indicator"].target_year
    assert "最终判定（2020年）" in body
    assert "2020—2025年累计增加0.44%" in body  # the bracket notation [0.44] spelled out
    assert not re.search(r"\d\.\d+个|\d\.\d+家", body)  # counts are whole numbers


def test_default_year_is_latest_year_with_data_and_says_so(seeded):
    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    body = client.get("/indicators/").content.decode()
    latest = services.latest_data_year()
    assert f"规划指标监测（{latest}年）" in body and "默认显示有统计数据的最近年度" in body


def test_indicator_without_data_says_where_data_comes_from(db):
    from indicators.catalogue import sync
    from registry.models import Region

    sync(Indicator, Region)
    client = Client()
    client.force_login(User.objects.create_user("b2", password="x", role="bureau"))
    body = client.get("/indicators/?year=2023").content.decode()
    assert "待录入：由市科技局提供年度统计数据" in body and "登记库中尚无相关记录" in body


def test_pie_colours_progress_from_zero_and_the_base_used(seeded):
    """Issue 26 item 15: green for 已达成 (never for 未达成); 国家级创新平台 (A 第2条, 30个以上, no base in the text)
    shows its share of the way from zero, not 0.0%; 基期 shows the base the progress text uses, not "—"."""
    import json

    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    body = client.get("/indicators/?year=2025").content.decode()
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S)[1])
    colours = {s["name"]: s["itemStyle"]["color"] for s in chart["status"]}
    assert colours["未达成"] == "#b3261e" and colours.get("已达成", "#135c27") == "#135c27"
    assert not [name for name, c in colours.items() if c in ("#135c27", "#2e7d32")
                and name not in ("已达成", "正常推进")]
    row = next(r for r in services.dashboard(2025) if r["indicator"].code == "a.national_platforms")
    p = row["progress"]
    assert p.latest_value > 0 and p.share_text == f"{p.latest_value / 30 * 100:.1f}%" != "0.0%"
    html = body[body.index('href="/indicators/a.national_platforms/'):]
    html = html[:html.index("</tr>")]
    assert f'<td class="num base">{round(p.base_value)}<br><span class="muted">{p.base_year}（最早观测）</span>' in html
    assert f"{p.share_text}</td>" in html
