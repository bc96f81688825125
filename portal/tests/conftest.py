"""Fixtures of the issue-13 browser tests: a page at a given width, axe-core (from the npm registry) injected."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, _browser, live_server):
    """A fresh browser page at desktop or phone width; ``page.base_url`` is the live server, ``page.width`` its width."""
    width, height = WIDTHS[request.param]
    context = _browser.new_context(locale="zh-CN", viewport={"width": width, "height": height},
                                   is_mobile=request.param == "phone", has_touch=request.param == "phone",
                                   # axe-core is injected as an inline script, which the site's CSP rightly refuses
                                   bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.base_url = live_server.url
    page.width = width
    yield page
    context.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; returns the serious and critical violations (id, impact, first targets)."""
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run scripts/setup.sh (npm install installs it)")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")
    return [v for v in found if v["impact"] in impacts]


def assert_accessible(page) -> None:
    bad = axe_violations(page)
    assert not bad, "axe-core serious/critical violations: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in bad)


def assert_no_horizontal_scroll(page) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= page.width + 1, f"page is {wide}px wide at a {page.width}px viewport (horizontal scrolling)"


def login(page, username: str, password: str = "demo12345") -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
