"""PostgreSQL only: the ledger's database-level protection and 50 parallel approvals against one cap and one line."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from funding import services
from funding.models import CapCounter, Claim, LedgerEntry
from funding.tests.conftest import CEILING, PDF

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _claim(w, org, key: str) -> Claim:
    claim = Claim.objects.create(programme=w.programme, organization=org, origin="redemption", provision_id=CEILING,
                                 title="新型研发机构绩效优秀补助", document="威政发〔2023〕5号", article="第4条", year=2024,
                                 event_key=key, is_ceiling=True, entitled_amount=Decimal(500000), state="decision",
                                 bank_account="6222000011112222")
    claim.attachments.create(label="证明材料", filename="a.pdf", content_type="application/pdf", size=len(PDF),
                             sha256=key.rjust(64, "0"), data=PDF)
    return claim


@pytest.mark.django_db(transaction=True)
def test_update_delete_truncate_refused_by_the_database(world):
    from django.db.utils import DatabaseError

    claim = _claim(world, world.org_a, "x")
    services.perform(world.bea, claim.pk, "decide", amount="100000")
    for sql in ("UPDATE funding_ledgerentry SET amount = 1", "DELETE FROM funding_ledgerentry",
                "TRUNCATE funding_ledgerentry CASCADE"):
        with pytest.raises(DatabaseError, match="(Cannot update or delete|append-only)"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    with pytest.raises(DatabaseError, match="(Cannot update or delete|append-only)"), transaction.atomic():
        LedgerEntry.objects.update(memo="changed")
    assert LedgerEntry.objects.get().amount == Decimal(100000)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("budget,cap,binding", [("1000000", "300000", "cap"), ("250000", "500000", "budget")])
def test_fifty_parallel_approvals_never_exceed_cap_or_budget(world, budget, cap, binding):
    """威政发〔2023〕5号 第4条: 50 staff decide 10,000 元 each at once for one organisation (50 events) on one line;
    the committed total stops exactly at the binding limit and every loser gets a Chinese reason."""
    world.line.__class__.objects.filter(pk=world.line.pk).update(amount=Decimal(budget))
    claims = [_claim(world, world.org_a, f"event-{i}") for i in range(50)]
    CapCounter.objects.update_or_create(organization=world.org_a, provision_id=CEILING, year=2024,
                                        defaults={"cap": Decimal(cap)})
    barrier = threading.Barrier(50)
    ok: list[int] = []
    refused: list[str] = []

    def approve(claim_id: int) -> None:
        try:
            barrier.wait()
            services.perform(world.bea, claim_id, "decide", amount="10000")
            ok.append(claim_id)
        except services.FundingError as exc:
            refused.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(c.pk,)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    limit = min(Decimal(budget), Decimal(cap))
    total = sum(e.amount for e in LedgerEntry.objects.filter(kind="commitment"))
    assert total == limit and len(ok) == int(limit / 10000) and len(ok) + len(refused) == 50
    word = "超过每家每年上限" if binding == "cap" else "可用余额"
    assert all(word in m and "请调低金额" in m for m in refused), refused[:3]
    world.line.refresh_from_db()
    assert services.line_balance(world.line).available == Decimal(budget) - limit
