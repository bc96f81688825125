"""Shared test fixtures: demo accounts and a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("KECHUANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/setup.sh --test (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser page; ``page.base_url`` is the live server's address."""
    context = _browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def demo_city(db):
    """A small deterministic demo Weihai with its demo accounts (see registry.demo)."""
    from registry.demo import generate

    return generate(enterprises=300, seed=7)


def login(page, username: str, password: str = "demo12345") -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")



@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests (browser and concurrency tests) end by emptying every table, reference data included
    (regions, chains, the indicator catalogue and the reference tables that data migrations load). Each of them gets
    that data back first, so the order in which the apps' tests run does not matter."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from indicators.catalogue import sync
        from indicators.models import Indicator
        from registry.models import IndustryChain, Region
        from registry.reference import load_reference

        if not Region.objects.exists():
            load_reference(Region, IndustryChain)
        if not Indicator.objects.exists():
            sync(Indicator, Region)
        from reference.models import MonthlyValue
        from reference.seed import seed_from_package

        seed_from_package(MonthlyValue)
    yield
