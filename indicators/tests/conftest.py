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
