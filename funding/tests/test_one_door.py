"""One door to money (issue 24 item 2), enforced: the import contract (no module outside funding imports funding's
models or internals; .importlinter) holds, and the runtime recorder used by each app's one-door test
(``funding.tests.writes``) does catch a write to a funding table made from another app's code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from funding.tests.writes import ROOT, funding_writes, outside_funding

pytestmark = pytest.mark.django_db


def test_no_app_outside_funding_imports_funding_models_or_internals():
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True) == 0


def test_the_recorder_names_another_apps_module_that_writes_a_funding_row(world):
    """Code compiled as if it were vouchers/services.py writes a CapCounter, updates it and deletes it: all three
    writes are attributed to vouchers/, not to funding."""
    code = ("from funding.models import CapCounter\n"
            "row = CapCounter.objects.create(organization=org, provision_id='X', year=2024, cap=1)\n"
            "CapCounter.objects.filter(pk=row.pk).update(cap=2)\n"
            "row.delete()\n")
    with funding_writes() as writes:
        exec(compile(code, str(ROOT / "vouchers" / "services.py"), "exec"), {"org": world.org_a})  # noqa: S102
    assert {w.how for w in writes} >= {"save", "update", "delete"}
    assert {w.where.split(":")[0] for w in writes} == {"vouchers/services.py"}
    assert outside_funding(writes) == writes


def test_funding_own_writes_are_inside_funding(world):
    from funding import money

    with funding_writes() as writes:
        money.add_budget_line(world.bea, world.programme, "市级资金（追加）", "city", Decimal(1000))
    assert writes and outside_funding(writes) == []
    assert all(Path(w.where.split(":")[0]).parts[0] == "funding" for w in writes)
