"""Simultaneous corrections and first entries of one indicator observation serialise (issue 12), on PostgreSQL
with real threads: never a 500, never two current versions; the loser is told "已被他人更正，请刷新"."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from indicators import services
from indicators.models import Indicator, Observation
from indicators.services import IndicatorInputError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks and real threads need PostgreSQL"),
]


@pytest.fixture
def catalogue(transactional_db):
    from indicators.catalogue import sync
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    sync(Indicator, Region)


def _race(n: int, action: Callable[[int], object]) -> tuple[list, list]:
    barrier = threading.Barrier(n)
    ok, failed = [], []

    def run(i: int) -> None:
        try:
            barrier.wait()
            ok.append(action(i))
        except IndicatorInputError as exc:
            failed.append(exc)
        except Exception as exc:  # anything else would be a 500
            failed.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return ok, failed


def _simple_indicator() -> tuple[Indicator, int]:
    ind = Indicator.objects.filter(same_series_as="", districts=False).exclude(unit_kind="growth").order_by("order").first()
    return ind, services.plan_years(ind)[0]


def test_five_simultaneous_corrections_of_the_same_version(catalogue):
    ind, year = _simple_indicator()
    services.record_observation(ind.code, year, "10", source="统计公报")
    for _round in range(3):
        current = services.current_observations(ind)[year].version
        ok, failed = _race(5, lambda i, v=current: services.correct_observation(
            ind.code, year, str(20 + i), source="统计局", reason=f"更正{i}", base_version=v))
        assert len(ok) == 1, failed
        assert all(isinstance(e, IndicatorInputError) and "已被他人更正，请刷新" in e.message for e in failed), failed
    versions = list(Observation.objects.filter(series=ind.series_code, year=year).values_list("version", flat=True))
    assert sorted(versions) == [1, 2, 3, 4]


def test_simultaneous_corrections_without_a_base_version_queue_up(catalogue):
    ind, year = _simple_indicator()
    services.record_observation(ind.code, year, "10", source="统计公报")
    ok, failed = _race(5, lambda i: services.correct_observation(ind.code, year, str(30 + i), source="统计局",
                                                                 reason=f"更正{i}"))
    assert len(ok) == 5 and not failed
    versions = sorted(Observation.objects.filter(series=ind.series_code, year=year).values_list("version", flat=True))
    assert versions == [1, 2, 3, 4, 5, 6]


def test_two_first_entries_through_shared_series_codes(catalogue):
    """Issue 12: two first entries through shared-series codes created two "version 1" values."""
    twin = Indicator.objects.exclude(same_series_as="").order_by("order").first()
    if twin is None:
        pytest.skip("the catalogue has no shared series")
    canonical = Indicator.objects.get(code=twin.same_series_as)
    year = max(services.plan_years(twin)[0], services.plan_years(canonical)[0])
    codes = [twin.code, canonical.code]
    ok, failed = _race(2, lambda i: services.record_observation(codes[i], year, str(1 + i), source="统计公报"))
    assert len(ok) == 1 and len(failed) == 1, failed
    assert isinstance(failed[0], IndicatorInputError)
    assert Observation.objects.filter(series=canonical.code, year=year, version=1).count() == 1
    assert connection.vendor == "postgresql"
