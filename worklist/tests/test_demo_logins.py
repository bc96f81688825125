"""Issue 24 item 8: on the demo that ``scripts/run.sh`` builds (here at the smallest size the README allows), every
demo login lands on a 我的待办 with work in it, and the page passes axe-core at phone and desktop widths."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from worklist.tasks import groups_for

LOGINS = ["bureau", "district", "enterprise", "expert", "finance", "provider", "carrier", "bank", "techbranch",
          "insurer"]


def build_demo(last_year: int | None = None) -> None:
    from experts import demo as experts_demo
    from funding import demo as funding_demo
    from incubation import demo as incubation_demo
    from registry import demo as registry_demo
    from registry.demo import generate
    from scifinance import demo as finance_demo
    from vouchers import demo as vouchers_demo

    last_year = last_year or registry_demo.LAST_YEAR
    generate(enterprises=300, seed=7, fact_years=(registry_demo.FIRST_YEAR, last_year))
    incubation_demo.generate()
    experts_demo.generate(experts=60, items=12)
    funding_demo.generate()
    vouchers_demo.generate(instruments=40)
    finance_demo.generate(loans=300)


@pytest.mark.django_db
@pytest.mark.parametrize("years_ahead", [0, 2], ids=["today", "two-years-from-now"])
def test_every_demo_login_has_work_waiting(years_ahead, monkeypatch):
    """The demo is built relative to the day it is built: run on a date two years from now (the clock moved for
    the whole process, as ``scripts/run.sh`` would see it), every login still has work waiting on that date."""
    day = dt.date.today() + relativedelta(years=years_ahead)
    with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        assert timezone.localdate() == day
        # a fresh ``scripts/run.sh`` on that day imports the generator then: the city's last fact year is that year
        monkeypatch.setattr("registry.demo.LAST_YEAR", max(2025, day.year))
        build_demo(max(2025, day.year))
        empty = [u for u in LOGINS if not groups_for(User.objects.get(username=u), timezone.localdate())]
    assert not empty, f"demo logins with an empty 我的待办 on {day}: {empty}"
