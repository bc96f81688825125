import pytest
from django.core.management import CommandError, call_command

from screening.models import ScreeningRun


def test_command_screens_and_simulates(demo_city, capsys):
    call_command("screening_run", "--year", "2024", "--region", "Z-GAOQU", "--now")
    run = ScreeningRun.objects.get()
    assert run.status == "done" and run.scope == "region"
    call_command("screening_run", "--year", "2024", "--set", "test.hte_reward=1", "--now")
    assert ScreeningRun.objects.filter(kind="whatif", status="done").count() == 1
    assert "已完成" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不能小于"):
        call_command("screening_run", "--year", "2024", "--set", "test.hte_reward=-1")
    with pytest.raises(CommandError, match="所选范围内没有主体"):
        call_command("screening_run", "--year", "2024", "--ids", "99999999")
