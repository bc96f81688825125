"""Fixtures of the screening tests: a stand-in engine (unless the real one is asked for) and an immediate queue."""

from __future__ import annotations

import pytest

from screening import engine
from screening.tests import stand_in_engine


@pytest.fixture(autouse=True)
def stand_in(request):
    """Use the stand-in engine and run queue tasks at once; tests marked ``real_engine`` use policy.services."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    stand_in_engine.calls.clear()
    stand_in_engine.fail_on_call.clear()
    engine.use_backend(stand_in_engine)
    yield stand_in_engine
    engine.use_backend(None)
    HUEY.immediate = previous
