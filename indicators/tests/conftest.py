"""The indicator catalogue is migration data; transactional tests elsewhere flush it, so each test reloads it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def catalogue(db):
    from indicators.catalogue import sync
    from indicators.models import Indicator
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    sync(Indicator, Region)


@pytest.fixture(autouse=True)
def counted_at_once(immediate_queue):
    """Pages that lack a registry figure queue the refresh job: here it runs at once (as with
    KECHUANG_HUEY=immediate), so pages show every figure (the job's "queued" mark starts cleared with the cache,
    root conftest). Tests of the worker's path set HUEY.immediate False."""


@pytest.fixture
def count_calls(monkeypatch):
    """``count_calls(functions, by_region)`` puts the given count functions in place of the module's, each recording
    its calls as ``(figure, *arguments)`` in the list it returns."""
    from indicators import counts

    calls: list[tuple] = []

    def recorded(key: str, fn):
        def call(*args):
            calls.append((key, *args))
            return fn(*args)
        return call

    def install(functions: dict, by_region: dict) -> list[tuple]:
        monkeypatch.setattr(counts, "FUNCTIONS", {k: recorded(k, f) for k, f in functions.items()})
        monkeypatch.setattr(counts, "BY_REGION_YEARS", {k: recorded(k, f) for k, f in by_region.items()})
        return calls

    return install
