"""The demo rosters: deterministic, idempotent, calibrated to C 二（三） (58 cultivated by 2020, 100 by 2025, scaled)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from incubation import demo
from incubation.indicators import cultivated_hte
from incubation.models import Carrier, Stay
from registry.models import Recognition


@pytest.mark.django_db
def test_demo_rosters_match_the_plan_scaled(demo_city, capsys):
    call_command("incubation", "demo", "--if-empty")
    # 300 enterprises = 0.075 of the default city: round(58 × 0.075) = 4, round(100 × 0.075) = 8.
    assert cultivated_hte(2020, None, False) == 4
    assert cultivated_hte(2025, None, False) == 8
    assert Carrier.objects.filter(stage="industrial_park").count() == 2
    assert Recognition.objects.filter(subject="incubatee_high_tech").count() == 8
    n = Stay.objects.count()
    call_command("incubation", "demo", "--if-empty")
    assert Stay.objects.count() == n
    assert "跳过" in capsys.readouterr().out
    assert demo.CULTIVATED == {2020: 58, 2025: 100}
    # One move awaits the demo carrier account's word, on the page its carrier page links to.
    from django.test import Client

    from accounts.models import User

    c = Client()
    user = User.objects.get(username="carrier")
    c.force_login(user)
    home = c.get(f"/incubation/carriers/{user.organization.carrier.pk}/").content.decode()
    assert '<strong id="n-awaiting">1</strong>' in home
    page = c.get("/incubation/changes/").content.decode()
    assert "待您处理（1 条）" in page and "须原载体同意" in page
