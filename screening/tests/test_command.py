from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from registry.models import Qualification
from screening import services
from screening.models import ScreeningRun


def test_command_screens_and_simulates(demo_city, capsys):
    call_command("screening_run", "--year", "2024", "--region", "Z-GAOQU", "--now")
    run = ScreeningRun.objects.get()
    assert run.status == "done" and run.scope == "region"
    call_command("screening_run", "--year", "2024", "--set", "a.art_07.hte_first=300000", "--now")
    whatif = ScreeningRun.objects.get(kind="whatif", status="done")
    first = Qualification.objects.filter(kind="high_tech_enterprise", certification="first_certification",
                                         valid_from__year=2024, organization__kind="enterprise").count()
    assert services.whatif_comparison(whatif).delta_amount == Decimal(100000) * first  # A 第7条: 20 → 30 万元
    assert "已完成" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不能小于"):
        call_command("screening_run", "--year", "2024", "--set", "a.art_07.hte_first=-1")
    with pytest.raises(CommandError, match="所选范围内没有主体"):
        call_command("screening_run", "--year", "2024", "--ids", "99999999")
