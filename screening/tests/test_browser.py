"""免申即享 in a real headless Chromium: an entity's own list; staff screen the demo city and run a what-if."""

from __future__ import annotations

import threading

import pytest

from accounts.models import User
from conftest import login
from registry.models import Qualification
from screening import services, tasks
from screening.models import ScreeningRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2024


@pytest.fixture
def background_worker(monkeypatch):
    """On PostgreSQL, runs queued jobs in a thread with small batches, so that the page really watches progress
    move. SQLite's shared in-memory test database locks whole tables between threads, so there the job runs at once
    (immediate queue) and the page finds it at 100%."""
    from django.db import connection

    threads: list[threading.Thread] = []
    if connection.vendor != "postgresql":
        yield
        return

    def run_in_thread(run_id: int) -> None:
        def work() -> None:
            from django.db import connection

            try:
                services.execute_run(run_id, batch_size=40)
            finally:
                connection.close()

        t = threading.Thread(target=work, daemon=True)
        threads.append(t)
        t.start()

    monkeypatch.setattr(tasks, "enqueue_run", run_in_thread)
    yield
    for t in threads:
        t.join(timeout=60)


def test_enterprise_sees_its_list(page, demo_city):
    org = Qualification.objects.filter(kind="high_tech_enterprise", certification="first_certification",
                                       valid_from__year=YEAR).first().organization
    User.objects.filter(username="enterprise").update(organization=org)
    login(page, "enterprise")
    page.goto(page.base_url + f"/screening/mine/?year={YEAR}")
    assert org.name in page.inner_text("h1")
    card = page.locator(f"[data-year='{YEAR}']")
    assert "新认定/重新认定高新技术企业奖励" in card.locator("table.applies").inner_text()
    # Issue 26 items 11, 23: one path from an entitlement to a claim; back on the page, the claim's state replaces 申报
    from funding.models import Programme

    Programme.objects.create(name=f"{YEAR} 年度科技政策兑现", year=YEAR)
    row = card.locator("table.applies tr", has_text="新认定/重新认定高新技术企业奖励")
    row.locator("button:has-text('申报')").click()
    page.wait_for_url("**/funding/claims/*/")
    page.goto(page.base_url + f"/screening/mine/?year={YEAR}")
    row = page.locator(f"[data-year='{YEAR}'] table.applies tr", has_text="新认定/重新认定高新技术企业奖励")
    assert "已建申报，未提交" in row.inner_text() and row.locator("button:has-text('申报')").count() == 0


def test_staff_screening_progress_totals_and_whatif(page, demo_city, background_worker):
    login(page, "bureau")
    page.goto(page.base_url + "/screening/")
    page.fill("#start-screening input[name=year]", str(YEAR))
    page.select_option("#start-screening select[name=scope]", "all")
    page.click("#start-screening button[type=submit]")
    page.wait_for_selector("#run-progress")
    # The page polls the API and reloads when the run is done: wait for 100% and the totals.
    page.wait_for_selector("#totals", timeout=60_000)
    assert page.inner_text("#run-percent") == "100"
    run = ScreeningRun.objects.get(kind="screening")
    assert run.status == "done" and run.processed == run.total > 0
    assert int(page.inner_text("#total-entities")) == services.totals(run).entities
    page.wait_for_selector("#chart-region canvas")  # ECharts, served by the platform itself
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.click("#notify-all")
    page.click("#notify-confirmed")  # sending to everyone is confirmed first
    assert "已向" in page.inner_text(".messages")

    page.goto(page.base_url + "/screening/whatif/")
    page.select_option("#start-whatif select[name=parameter]", "a.art_07.hte_first")
    page.fill("#start-whatif input[name=value]", "-1")
    page.fill("#start-whatif input[name=year]", str(YEAR))
    page.click("#start-whatif button[type=submit]")
    assert "不能小于" in page.inner_text("#start-whatif")
    page.select_option("#start-whatif select[name=parameter]", "a.art_07.hte_first")
    page.fill("#start-whatif input[name=value]", "300000")  # A art. 7: 200,000 → 300,000
    page.click("#start-whatif button[type=submit]")
    page.wait_for_selector("#whatif-result", timeout=60_000)
    page.wait_for_selector("#chart-provision canvas")
    whatif = ScreeningRun.objects.get(kind="whatif")
    assert page.inner_text("#delta-amount") != "0.00"
    assert services.whatif_comparison(whatif).delta_amount > 0


def test_staff_pick_organisations_by_search_and_redeem_on_the_run_page(page, demo_city):
    """Issue 26 item 21: a list screening is built with a search box (no internal numbers), and 免申即享兑现 is a
    button on the run's own page."""
    from registry.models import Organization

    org = Qualification.objects.filter(kind="high_tech_enterprise", certification="first_certification",
                                       valid_from__year=YEAR).first().organization
    login(page, "bureau")
    page.goto(page.base_url + "/screening/")
    page.fill("#start-screening input[name=year]", str(YEAR))
    page.fill("#org-search", org.name[:6])
    page.wait_for_selector("#org-options option", state="attached")
    suggested = page.eval_on_selector_all("#org-options option", "os => os.map(o => o.value)")
    assert suggested and all(Organization.objects.filter(name=n).exists() for n in suggested)
    page.fill("#org-search", org.name)
    page.click("#org-add")
    assert page.input_value("#start-screening textarea") == org.name
    assert page.input_value("#start-screening select[name=scope]") == "list"
    page.click("#start-screening button[type=submit]")
    page.wait_for_selector("#proactive")
    run = ScreeningRun.objects.get()
    assert run.organization_ids == [org.pk]
    assert "免申即享兑现" in page.inner_text("#proactive")
