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
