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
