"""Fund ledger benchmark: decisions per second with concurrent approvers on one budget line, and the balance queries
and 我的申报 page over a ledger of many entries.

    createdb -h 127.0.0.1 -U postgres kc_funding_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_funding_bench \
        .venv/bin/python benchmarks/funding_bench.py --entries 100000 --approvers 8 --decisions 800

Builds (once per database) a 2024 programme with one budget line, ``--entries`` ledger rows (half commitments, half
payments of paid claims spread over 2,000 organisations), then: ``--decisions`` claims decided by ``--approvers``
threads, each with its own connection, through ``funding.services.perform`` (row locks, cap row, ledger entry, audit,
notice); the budget-line balance, the programme totals and an organisation's money received (median, p95); the
我的申报 page for an enterprise account (median, p95). Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
ORGS = 2000


def _timed(fn, n: int) -> tuple[float, float]:
    from benchmarks.common import percentile

    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), percentile(times, 95)


def build(entries: int) -> None:
    from accounts.models import User
    from funding import services
    from funding.models import Claim, LedgerEntry, Programme
    from registry.models import Organization, Region

    if Programme.objects.filter(name="基准测试专项").exists():
        print(f"ledger: reusing {LedgerEntry.objects.count():,} entries")
        return
    t = time.perf_counter()
    bureau = User.objects.create_user("bench-bureau", role="bureau")
    fin = User.objects.create_user("bench-finance", role="finance")
    region = Region.objects.filter(kind="division").first()
    orgs = Organization.objects.bulk_create(
        [Organization(kind="enterprise", name=f"基准企业{i:05d}", region=region) for i in range(ORGS)])
    User.objects.create_user("bench-enterprise", role="enterprise", organization=orgs[0])
    programme = services.create_programme(bureau, "基准测试专项", 2024, "威政发〔2023〕5号",
                                          lines=[("基准科目", "city", "100000000000")])
    line = programme.budget_lines.get()
    services.confirm_budget_line(fin, line)
    pairs = entries // 2
    for start in range(0, pairs, 10_000):
        n = min(10_000, pairs - start)
        claims = Claim.objects.bulk_create([Claim(
            programme=programme, organization=orgs[(start + i) % ORGS], origin="redemption",
            provision_id="B.04.new_rd_institution_ceiling", title="新型研发机构绩效优秀补助", document="威政发〔2023〕5号",
            article="第4条", year=2024, event_key=f"bench-{start + i}", is_ceiling=True,
            entitled_amount=Decimal(500000), decided_amount=Decimal(10000), budget_line=line, state="paid",
            bank_account="6222000011112222") for i in range(n)])
        rows = []
        for c in claims:
            common = dict(budget_line=line, organization_id=c.organization_id, claim=c, amount=Decimal(10000),
                          decision=f"市科技局决定（申报 #{c.pk}）", document=c.document, article=c.article,
                          provision_id=c.provision_id, year=2024)
            rows.append(LedgerEntry(kind="commitment", committed_delta=Decimal(10000), paid_delta=0,
                                    idempotency_key=f"commit:{c.pk}", **common))
            rows.append(LedgerEntry(kind="payment", committed_delta=Decimal(-10000), paid_delta=Decimal(10000),
                                    idempotency_key=f"pay:{c.pk}", **common))
        LedgerEntry.objects.bulk_create(rows)
    print(f"ledger: built {LedgerEntry.objects.count():,} entries in {time.perf_counter() - t:,.1f} s")


def decisions(approvers: int, count: int) -> None:
    from django.db import connections

    from accounts.models import User
    from funding import services
    from funding.models import Claim, Programme
    from registry.models import Organization

    programme = Programme.objects.get(name="基准测试专项")
    bureau = User.objects.get(username="bench-bureau")
    orgs = list(Organization.objects.filter(name__startswith="基准企业").order_by("id")[:ORGS])
    batch = Claim.objects.filter(programme=programme, state="decision").count()
    stamp = int(time.time())
    claims = Claim.objects.bulk_create([Claim(
        programme=programme, organization=orgs[i % ORGS], origin="redemption", provision_id=f"bench.{stamp}",
        title="基准决定", document="威政发〔2023〕5号", article="第4条", year=2024, event_key=f"d-{i}",
        is_ceiling=True, entitled_amount=Decimal(500000), state="decision", bank_account="6222000011112222")
        for i in range(count)])
    ids = [c.pk for c in claims]
    chunks = [ids[i::approvers] for i in range(approvers)]
    errors: list[str] = []

    def work(chunk: list[int]) -> None:
        try:
            for pk in chunk:
                services.perform(bureau, pk, "decide", amount="10000")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    seconds = time.perf_counter() - t
    print(f"decisions: {count:,} by {approvers} concurrent approvers on one budget line in {seconds:,.1f} s "
          f"= {count / seconds:,.0f} decisions/s ({len(errors)} errors{': ' + errors[0] if errors else ''}; "
          f"{batch} left over from earlier runs)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--approvers", type=int, default=8)
    ap.add_argument("--decisions", type=int, default=800)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from accounts.models import User
    from funding import services
    from funding.models import LedgerEntry, Programme

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    build(args.entries)
    decisions(args.approvers, args.decisions)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE funding_ledgerentry")
    programme = Programme.objects.get(name="基准测试专项")
    line = programme.budget_lines.get()
    user = User.objects.get(username="bench-enterprise")
    n = LedgerEntry.objects.count()
    for label, fn in (("budget line balance", lambda: services.line_balance(line)),
                      ("programme totals", lambda: services.programme_totals(programme)),
                      ("money received by one organisation", lambda: services.money_received(user.organization))):
        med, p95 = _timed(fn, args.repeat)
        print(f"{label} over {n:,} entries: median {med:,.1f} ms, p95 {p95:,.1f} ms")
    client = Client()
    client.force_login(user)
    med, p95 = _timed(lambda: client.get("/funding/mine/"), max(10, args.repeat // 2))
    claims = user.organization.funding_claims.count()
    print(f"我的申报 page ({claims} claims): median {med:,.1f} ms, p95 {p95:,.1f} ms")


if __name__ == "__main__":
    main()
