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


def test_a_programme_of_the_wrong_kind_refuses_the_claim_in_chinese(world):
    """Programme.kind decides which claims may use it: a 风险补偿资金池 programme takes no voucher settlement, a 孵化奖励
    programme no B 第14条 contract subsidy; nothing is written."""
    from funding import money
    from funding.models import Claim

    pool = money.create_programme(world.bea, "科技成果转化贷款资金池", 2024, kind="risk_pool")
    with pytest.raises(money.FundingError, match="风险补偿资金池专项，不能用于本申报；请选择创新券专项") as exc:
        money.open_claim(world.bea, pool, world.org_a, provision_id="VOUCHER.2024.city.A17.1", title="创新券结算",
                         document="威政发〔2018〕20号", article="第17条", year=2024, amount=Decimal(320))
    assert exc.value.field == "programme"
    incubation = money.create_programme(world.bea, "孵化奖励", 2024, kind="incubation")
    with pytest.raises(money.FundingError, match="孵化奖励专项，不能用于本申报；请选择技术合同补助专项"):
        money.open_claim(world.bea, incubation, world.org_a, provision_id="B.14.contract_subsidy", title="技术合同补助",
                         document="威政发〔2023〕5号", article="第14条", year=2024, amount=Decimal(1000))
    assert not Claim.objects.filter(programme__in=[pool, incubation]).exists()


def test_caps_are_assessed_in_order_and_name_a_person_by_a_digest(world):
    """funding.caps: asks in order, each accepted one counting against the next; a person's cap row carries a digest
    of the ID number, never the number."""
    from django.db import transaction

    from funding import money
    from funding.models import CapCounter

    person = money.CapKey("B.27.talent_loan.person", 2024, subject=money.person("talent", "370100199001011234"))
    firm = money.CapKey("B.27.talent_loan.enterprise", 2024, organization_id=world.org_a.pk)
    asks = [money.Ask(Decimal(a), [(person, Decimal(1000)), (firm, Decimal(1500))]) for a in (600, 300, 200, 100)]
    with transaction.atomic():
        result = money.assess(asks, lambda keys: {firm: Decimal(500)})
    assert {i: (r.key.provision_id, r.used, r.room) for i, r in result.refusals.items()} == {
        2: ("B.27.talent_loan.person", Decimal(900), Decimal(100))}
    assert CapCounter.objects.filter(organization__isnull=True, subject=person.subject).exists()
    assert not CapCounter.objects.filter(subject__contains="370100199001011234").exists()
