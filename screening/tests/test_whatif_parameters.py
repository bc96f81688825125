"""Issue 13: what-if parameters grouped by document and article, real units, rates typed as percentages."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from policy import services as engine
from screening.forms import WhatIfForm
from screening.models import ScreeningRun

pytestmark = pytest.mark.django_db


def test_units_and_grouping():
    params = {p["path"]: p for p in engine.tunable_parameters()}
    assert params["a.art_14.patent_volume_threshold"]["unit"] == "件"  # A 第14条: 20 件, never "20元"
    assert params["b.art_09.rate"]["unit"] == "比例"
    form = WhatIfForm()
    labels = [g for g, _ in form.fields["parameter"].choices[1:]]
    assert "威政发〔2023〕5号 第9条" in labels and "威政发〔2018〕20号 第14条" in labels
    assert len(labels) == len(set(labels))
    b09 = dict(form.fields["parameter"].choices)["威政发〔2023〕5号 第9条"]
    assert ("b.art_09.rate", "按不超过增量的比例给予补助（现行 5%）") in b09
    a14 = dict(dict(form.fields["parameter"].choices)["威政发〔2018〕20号 第14条"])
    assert a14["a.art_14.patent_volume_threshold"].endswith("（现行 20 件）")


def test_rate_typed_as_percent_reaches_the_engine_as_a_fraction(demo_city):
    """B 第9条: 研发投入增量 × 5% → try 8%: typed "8", stored 0.08, shown "8%"."""
    c = Client()
    c.force_login(User.objects.get(username="bureau"))
    page = c.get("/screening/whatif/").content.decode()
    assert "what-if" not in page and "<optgroup" in page and 'id="param-search"' in page
    assert "b.art_09.rate" not in page.replace('value="b.art_09.rate"', "").replace('data-path="b.art_09.rate"', "")
    resp = c.post("/screening/whatif/", {"parameter": "b.art_09.rate", "value": "8", "year": 2024}, follow=True)
    run = ScreeningRun.objects.get(kind="whatif")
    assert run.overrides == {"b.art_09.rate": "0.08"}
    text = resp.content.decode()
    assert "→ <span class=\"changed-value\">8%</span>" in text and "what-if" not in text
    bad = c.post("/screening/whatif/", {"parameter": "b.art_09.rate", "value": "150", "year": 2024}).content.decode()
    assert "不能大于 100%" in bad
