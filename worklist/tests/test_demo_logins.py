"""Issue 24 item 8: on the demo that ``scripts/run.sh`` builds (here at the smallest size the README allows), every
demo login lands on a 我的待办 with work in it, and the page passes axe-core at phone and desktop widths."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from worklist.tasks import groups_for

LOGINS = ["bureau", "district", "enterprise", "expert", "finance", "provider", "carrier", "bank", "techbranch",
          "insurer"]


def build_demo() -> None:
    from experts import demo as experts_demo
    from funding import demo as funding_demo
    from incubation import demo as incubation_demo
    from registry.demo import generate
    from scifinance import demo as finance_demo
    from vouchers import demo as vouchers_demo

    generate(enterprises=300, seed=7)
    incubation_demo.generate()
    experts_demo.generate(experts=60, items=12)
    funding_demo.generate()
    vouchers_demo.generate(instruments=40)
    finance_demo.generate(loans=300)


@pytest.mark.django_db
def test_every_demo_login_has_work_waiting():
    build_demo()
    today = dt.date.today()
    empty = [u for u in LOGINS if not groups_for(User.objects.get(username=u), today)]
    assert not empty, f"demo logins with an empty 我的待办: {empty}"
