"""Issues 11 and 28: registry counts kept in a table (indicators/counts.py) — pages and reports show the same figures
as when they counted the registry on every request; the table is filled by the job (never by a user's request: 统计中
until then), kept current incrementally from the changes noted (only the regions and years they touch), recounted in
full after registry imports and by the command."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.test import Client
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook

from accounts.models import User
from indicators import computed, counts, reports, services, tasks
from indicators.counts import Computer
from indicators.models import Indicator, RegistryCount
from registry import excel
from registry.uscc import make_uscc

RONGCHENG = "371082"
REVENUE_10BN = "a.cluster_enterprises_10bn"  # A 第8条: enterprises with main business revenue over 100 亿元


def _client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    return client


def _page(client: Client, url: str) -> str:
    """The page without the line that says when the figures were counted (it differs by design)."""
    body = client.get(url).content.decode()
    body = re.sub(r'<(p|span) class="muted" id="counted-at">.*?</\1>', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def _shown(settings, ttl: int) -> dict:
    """What a reader sees: the dashboard page, three indicator pages (one with districts, one of 荣成市), the dashboard
    rows behind every report and the Excel report's cells."""
    settings.INDICATORS_CACHE_SECONDS = ttl
    client = _client()
    pages = {url: _page(client, url) for url in (
        "/indicators/?year=2024", "/indicators/?year=2022", "/indicators/c.high_tech_enterprises/?year=2024",
        "/indicators/e.rd_expense_above_size/?year=2022", f"/indicators/{REVENUE_10BN}/?year=2020")}
    rows = [(r["indicator"].code, r["latest"] and (r["latest"].year, r["latest"].value, r["latest"].origin),
             r["progress"].to_dict()) for r in services.dashboard(2024)]
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(reports.report_xlsx(2024))).active.iter_rows()]
    return {"pages": pages, "rows": rows, "report_rows": reports.report_rows(2022), "xlsx": cells}


def _revenue_row(year: int = 2020) -> float | None:
    row = next(r for r in services.dashboard(year) if r["indicator"].code == REVENUE_10BN)
    return row["latest"].value if row["latest"] else None


def _import_giant(year: int = 2020, n: int = 2) -> None:
    """An Excel import of ``n`` new enterprises in 高区 whose main business revenue that year is over 100 亿元."""
    orgs, facts = [], []
    for i in range(n):
        code = make_uscc(f"91371002GNT{i:06d}")
        orgs.append([code, f"威海巨星测试{i}集团有限公司", "企业", "高区", "碳纤维及复合材料", "2010-06-01"])
        facts.append([code, year, 25_000_000_000, 20_000_000_000, 600_000_000, "是", 3000, 500, 10, None])
    result = excel.import_workbook(excel.build_workbook(orgs, facts), User.objects.get(username="bureau"))
    assert result.ok, result.errors[:3]


def _same_as_live(keys: set) -> None:
    live, table = Computer(live=True), Computer(live=False)
    for key, year, area in sorted(keys):
        where = [area] if area else None
        assert table.value(key, year, where) == live.value(key, year, where), (key, year, area)
        assert table.by_region(key, year, where) == live.by_region(key, year, where), (key, year, area)
        if not area:
            assert table.by_region(key, year, [RONGCHENG]) == live.by_region(key, year, [RONGCHENG]), (key, year)


def test_every_figure_from_the_table_equals_the_registry_count(demo_city):
    keys = counts.wanted()
    assert {k[2] for k in keys} == {"", RONGCHENG} and len({k[0] for k in keys}) == len(computed.FUNCTIONS)
    _same_as_live(keys)  # the first request queued the job, which (at once here) counted the whole table
    stored = list(RegistryCount.objects.filter(region="").values_list("computed", "year", "area"))
    assert len(stored) == len(set(stored)) and keys <= set(stored)  # each counted once and kept
    RegistryCount.objects.all().delete()
    summary = counts.refresh()  # the refresh counts several years in one query where it can
    assert summary.figures == len(keys) == RegistryCount.objects.filter(region="").count()
    _same_as_live(keys)


def test_pages_and_reports_show_the_same_figures_counted_live_from_the_table_and_after_refresh(demo_city, settings):
    today = _shown(settings, 0)  # every request counts the registry, as the pages did before the table
    assert not RegistryCount.objects.exists()
    cold = _shown(settings, 600)  # first request: the table is empty, the job (at once here) counts it
    assert RegistryCount.objects.exists()
    call_command("refresh_indicator_counts", stdout=io.StringIO())
    refreshed = _shown(settings, 600)
    assert cold == today
    assert refreshed == today


def test_a_request_never_counts_the_registry(demo_city, settings, monkeypatch):
    """With a worker (the queue not immediate) a page that finds the table empty says the figures are being counted
    and queues the job, once; it counts nothing itself. Once the job has run, the figures are there."""
    settings.INDICATORS_CACHE_SECONDS = 600
    monkeypatch.setattr(HUEY, "immediate", False)
    queued = []
    monkeypatch.setattr(tasks, "refresh_counts", lambda: queued.append(1))
    real = computed.FUNCTIONS
    monkeypatch.setattr(counts, "FUNCTIONS", {k: None for k in real})  # counting would fail now
    monkeypatch.setattr(counts, "BY_REGION_YEARS", {})
    client = _client()
    body = client.get("/indicators/?year=2024").content.decode()
    assert "数值统计中" in body and "统计时间" not in body
    assert "数值统计中" in client.get("/indicators/c.high_tech_enterprises/?year=2024").content.decode()
    assert queued == [1]  # queued once, not once per figure or per request
    assert not RegistryCount.objects.exists()
    monkeypatch.setattr(counts, "FUNCTIONS", real)
    monkeypatch.setattr(counts, "BY_REGION_YEARS", computed.BY_REGION_YEARS)
    tasks.refresh_stale_counts.call_local()  # what the worker runs
    body = client.get("/indicators/?year=2024").content.decode()
    assert "统计时间" in body and "数值统计中" not in body
    assert _revenue_row(2024) == Computer(live=True).value("enterprises_revenue_10bn", 2024, None)


def test_nobody_counts_the_same_figure_twice(demo_city, monkeypatch):
    counts.refresh()
    stored = RegistryCount.objects.count()
    monkeypatch.setattr(computed, "FUNCTIONS", {k: None for k in computed.FUNCTIONS})  # counting would fail now
    monkeypatch.setattr(counts, "FUNCTIONS", computed.FUNCTIONS)
    services.dashboard(2024, Computer())
    services.district_table(Indicator.objects.get(code="c.high_tech_enterprises"), 2024, Computer())
    reports.report_pdf(2024)
    assert RegistryCount.objects.count() == stored


def test_dashboard_says_when_the_figures_were_counted(demo_city, settings):
    settings.INDICATORS_CACHE_SECONDS = 600
    counts.refresh()
    client = _client()
    body = client.get("/indicators/?year=2024").content.decode()
    assert re.search(r"“登记数据计算”的数值统计时间：\d{4}-\d\d-\d\d \d\d:\d\d（登记库数据变更后，约一分钟内自动重新统计变更涉及的区市和年度）",
                     body)
    assert "统计时间" in client.get("/indicators/c.high_tech_enterprises/").content.decode()
    settings.INDICATORS_CACHE_SECONDS = 0
    assert "实时统计" in client.get("/indicators/?year=2024").content.decode()


def test_an_import_changes_the_figures_once_the_refresh_has_run(demo_city, settings, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    settings.INDICATORS_CACHE_SECONDS = 600
    counts.refresh()
    before = _revenue_row() or 0
    queued = []
    monkeypatch.setattr(tasks, "refresh_counts", lambda: queued.append(1))
    monkeypatch.setattr(HUEY, "immediate", False)
    with django_capture_on_commit_callbacks(execute=True):
        _import_giant(n=2)
    assert queued == [1]  # the import queued a refresh for the worker
    assert (_revenue_row() or 0) == before  # until it runs, pages show the figures last counted
    assert counts.stale()  # and the periodic job would take it in if the queued one were lost
    summary = counts.refresh_changes()
    assert summary.full  # an import's rows were written in bulk: everything is recounted
    assert _revenue_row() == before + 2
    settings.INDICATORS_CACHE_SECONDS = 0
    assert _revenue_row() == before + 2  # the same figure the registry counts


def test_an_import_refreshes_at_once_without_a_worker(demo_city, settings, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    settings.INDICATORS_CACHE_SECONDS = 600
    client = _client()
    url = f"/indicators/{REVENUE_10BN}/?year=2020"
    first = _page(client, url)
    before = _revenue_row() or 0
    monkeypatch.setattr(HUEY, "immediate", True)
    with django_capture_on_commit_callbacks(execute=True):
        _import_giant(n=3)
    assert _revenue_row() == before + 3
    after = _page(client, url)
    assert after != first
    settings.INDICATORS_CACHE_SECONDS = 0
    assert _page(client, url) == after  # what counting the registry on the request shows


def test_periodic_job_takes_in_changes_and_missing_figures(demo_city, settings, monkeypatch):
    settings.INDICATORS_CACHE_SECONDS = 600
    monkeypatch.setattr(HUEY, "immediate", True)
    counts.RegistryChange.objects.all().delete()  # whatever building the demo city noted
    assert counts.stale()  # nothing counted yet
    tasks.refresh_stale_counts.call_local()
    assert not counts.stale()
    RegistryCount.objects.filter(computed="tech_smes", year=2024, area="").delete()
    assert counts.stale()  # a figure the pages need is missing
    tasks.refresh_stale_counts.call_local()
    assert not counts.stale()
    counts.note([("tech_smes", "371002", 2024)])
    assert counts.stale()  # a change not taken in
    tasks.refresh_stale_counts.call_local()
    assert not counts.stale() and counts.pending() == 0
    settings.INDICATORS_CACHE_SECONDS = 0
    assert not counts.stale()  # no table: nothing to refresh


def test_a_second_refresh_leaves_while_one_runs(demo_city):
    """Two refreshes at once: the second leaves (the lock is taken) instead of counting the registry twice."""
    with HUEY.lock_task(tasks.LOCK):
        tasks._refresh()
    assert not RegistryCount.objects.exists()


def test_a_missing_figure_alone_is_counted_by_the_job(demo_city, count_calls):
    """A figure the table lacks (a year that has just begun) is counted alone by the next job, with its breakdown
    by region, and kept; the others are not counted again."""
    counts.refresh()
    assert not counts.stale()
    RegistryCount.objects.filter(computed="rd_active_share", year=2024).delete()
    calls = count_calls(computed.FUNCTIONS, computed.BY_REGION_YEARS)
    summary = counts.refresh_changes()
    assert not summary.full and summary.figures == 1
    assert calls == [("rd_active_share", 2024, None, True), ("rd_active_share", 2024, None, False)]
    assert RegistryCount.objects.filter(computed="rd_active_share", year=2024, region="").exists()
    assert not counts.stale()


def test_a_single_edit_is_counted_by_the_next_periodic_job(demo_city, settings, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    """Issue 11: a change outside an import (one enterprise's yearly facts saved through the registry's form service)
    is noted once it commits, with its region and year, so the next periodic run (every minute) recounts them."""
    from registry import services as registry_services
    from registry.models import Organization

    settings.INDICATORS_CACHE_SECONDS = 600
    monkeypatch.setattr(HUEY, "immediate", True)
    tasks.refresh_stale_counts.call_local()
    assert not counts.stale()
    before = _revenue_row() or 0
    org = Organization.objects.filter(kind="enterprise").order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registry_services.save_annual_facts(User.objects.get(username="bureau"), org, 2020,
                                            {"main_business_revenue": 20_000_000_000}, channel="form")
    assert len([c for c in callbacks if isinstance(c, counts._Pending)]) == 1  # once per transaction
    assert set(counts.RegistryChange.objects.values_list("computed", "region", "from_year")) == {
        (f, org.region.code, 2020) for f in counts.FACTS_FUNCTIONS}  # the R&D and revenue figures, its region, 2020 on
    assert counts.stale()
    assert (_revenue_row() or 0) == before  # until the job runs, pages show the figures last counted
    tasks.refresh_stale_counts.call_local()
    assert not counts.stale()
    assert _revenue_row() == before + 1  # A 第8条's enterprises over 100 亿元 main business revenue
    settings.INDICATORS_CACHE_SECONDS = 0
    assert _revenue_row() == before + 1  # the same figure the registry counts


def test_the_command_waits_for_no_job(demo_city):
    """The repair command and the worker's job never write the table at once."""
    import pytest
    from django.core.management.base import CommandError

    with HUEY.lock_task(tasks.LOCK), pytest.raises(CommandError, match="后台正在统计"):
        call_command("refresh_indicator_counts", stdout=io.StringIO())
    assert not RegistryCount.objects.exists()
    out = io.StringIO()
    call_command("refresh_indicator_counts", stdout=out)
    assert "已重新统计" in out.getvalue() and RegistryCount.objects.exists()
