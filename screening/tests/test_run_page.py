"""Issue 28: a finished run's page reads kept totals and one page of organisations (keyset, in registry order) —
and shows the same figures as counted from the run's results: totals, and every qualifying organisation once, with
its provisions and money, across the pages both ways."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Count, Sum
from django.test import Client

from accounts.models import User
from screening import services
from screening.models import ScreeningResult, ScreeningRun
from screening.services import aggregation

YEAR = 2024


def _rows(html: str) -> list[tuple[int, int, str]]:
    """The organisations listed: (id, provisions, money as shown)."""
    table = html.split('<table id="entities">', 1)[1].split("</table>", 1)[0]
    return [(int(i), int(n), m) for i, n, m in re.findall(
        r'name="organization" value="(\d+)">.*?<td class="num">(\d+)</td><td class="num">([^<]*)</td>', table, re.S)]


def _link(html: str, label: str) -> str | None:
    pager = html.split('id="entities-pager"', 1)[1].split("</div>", 1)[0] if 'id="entities-pager"' in html else ""
    m = re.search(r'<a href="(\?[^"]+)">' + label, pager)
    return m.group(1).replace("&amp;", "&") if m else None


def test_the_run_page_lists_every_qualifying_organisation_once_with_the_counted_figures(demo_city, monkeypatch):
    from screening.templatetags.screening_tags import money

    monkeypatch.setattr(aggregation, "ENTITIES_PER_PAGE", 7)
    c = Client()
    c.force_login(User.objects.get(username="bureau"))
    c.post("/screening/", {"year": YEAR, "scope": "all"})
    run = ScreeningRun.objects.get()
    assert run.status == ScreeningRun.Status.DONE and run.totals_kept
    url = f"/screening/runs/{run.pk}/"
    expected = [(r["organization_id"], r["items"], money(r["amount"])) for r in (
        run.results.filter(status=ScreeningResult.Status.APPLIES).values("organization_id")
        .annotate(items=Count("id"), amount=Sum("amount")).order_by("organization_id"))]
    counted = services.counted_totals(run)
    assert len(expected) == counted.entities > 7 * 2

    html = c.get(url).content.decode()
    assert f'<b id="total-entities">{counted.entities}</b>' in html
    assert money(counted.entitlement or Decimal(0)) in html
    pages = -(-counted.entities // 7)
    seen, htmls = [], []
    while True:
        htmls.append(html)
        assert f"第 {len(htmls)} / {pages} 页" in html
        seen += _rows(html)
        nxt = _link(html, "下一页")
        if nxt is None:
            break
        html = c.get(url + nxt).content.decode()
    assert seen == expected  # each once, in registry order, with its provisions and money
    assert len(htmls) == pages
    back = [_rows(htmls[-1])]
    while prev := _link(html, "上一页"):
        html = c.get(url + prev).content.decode()
        back.insert(0, _rows(html))
    assert back == [_rows(h) for h in htmls]  # the same pages walking back
    assert c.get(url + "?after=abc&page=x").status_code == 200  # nonsense parameters: the first page
