"""One bad organisation never stops a screening run: it is skipped, counted and listed with its reason (issue 12)."""

from __future__ import annotations

import pytest

from policy import services as engine
from registry.models import Organization
from screening import services
from screening.models import ScreeningRun

pytestmark = pytest.mark.django_db


def test_bad_organization_is_skipped_counted_and_listed(demo_city, monkeypatch):
    bad = Organization.objects.order_by("id")[5]
    real = engine.evaluate_many

    def flaky(ids, year, overrides=None):
        if bad.pk in ids:
            raise ValueError("年度 7 不是有效年份")
        return real(ids, year, overrides=overrides)

    monkeypatch.setattr(engine, "evaluate_many", flaky)
    run = services.start_run(None, year=2024, scope=ScreeningRun.Scope.ALL)
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE
    assert run.processed == Organization.objects.count()
    assert [s["id"] for s in run.skipped] == [bad.pk]
    assert bad.name == run.skipped[0]["name"] and "年度 7" in run.skipped[0]["reason"]
