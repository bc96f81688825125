"""Issue 26 item 18: one unit per sentence — the summary lines of an entity's results and of a screening run give
both their amounts in 万元 with two decimals ("确定金额 15.00 万元；上限金额 5.38 万元"), never 万元 beside 元."""

from __future__ import annotations

from django.template import Context, Template

from core.formatting import wan


def test_wan_has_two_decimals_whatever_the_size():
    assert wan(150000) == "15.00 万元"
    assert wan("53843.71") == "5.38 万元"
    assert wan(0) == "0.00 万元"
    assert wan(None) == "—"


def test_the_results_sentence_has_one_unit():
    html = Template("{% include 'screening/_results.html' %}").render(Context({
        "years": [{"year": 2025, "applies": [], "near": [], "entitlement": 150000, "ceiling": 53843.71}],
        "y": {"year": 2025, "applies": [], "near": [], "entitlement": 150000, "ceiling": 53843.71}}))
    assert "确定金额 <b>15.00 万元</b>" in html and "上限金额（最高，需评审） <b>5.38 万元</b>" in html
