"""The fund ledger at province scale: 10,000,000 entries loaded with COPY, then the four reads users hit and the check
of the running sums.

    createdb -h 127.0.0.1 -U postgres kc_ledger_10m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_ledger_10m KECHUANG_DEBUG=1 \
        .venv/bin/python benchmarks/ledger_10m.py --entries 10000000
    dropdb -h 127.0.0.1 -U postgres kc_ledger_10m

The ledger (once per database): ``--orgs`` organisations; 8 years (2019–2026) × 5 programmes (政策兑现, 项目申报, 创新券,
技术合同补助, 孵化奖励) × 3 budget lines (市级 60 %, 区级 30 %, 省级 10 % of the claims); claims spread over the
organisations (a fifth of them to the busiest 1 %, see ``_org``), each with its commitment, one payment or two tranches
(40 %), a bank return reversed (3 %) or a clawback (1 %). Claims and entries go in with COPY; their secondary indexes
and foreign keys are dropped for the load and re-created after it (re-adding a foreign key checks every row). The
ledger's append-only triggers fire on UPDATE, DELETE and TRUNCATE, none of which the load does, so they stay in place.
The running sums are then filled from the entries by the statements of migration 0015 (timed: what that migration
takes on such a ledger).

Measured, each ``--repeat`` times on keys drawn at random, median and p95 in ms: a budget line's balance
(``services.line_balance``), a programme's totals (``services.programme_totals``), an organisation's money received
(``services.money_received``) and 我的申报 (``/funding/mine/`` through Django's test client, as an enterprise
account; with the CPU time the Django process spent a request and the machine's load average, since a shared machine's
load moves the page's wall time most); for comparison, the first two as they were read before (the entries added up);
then ``manage.py funding check-totals`` (seconds). Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

YEARS = tuple(range(2019, 2027))
KINDS = (("entitlement", "政策兑现专项资金"), ("call", "科技计划项目专项"), ("voucher", "创新券专项"),
         ("tech_contract", "技术合同补助专项"), ("incubation", "孵化载体奖励专项"))
LINES = (("市级资金", "city", 0.6), ("区级资金", "district", 0.3), ("省级资金", "province", 0.1))
#: (provision, document, article, title) by programme kind: Weihai's articles the claims of that kind are paid under
PROVISIONS = {
    "entitlement": ("A.07.hte_reward", "威政发〔2018〕20号", "第7条", "新认定高新技术企业奖励"),
    "call": ("B.04.new_rd_institution_ceiling", "威政发〔2023〕5号", "第4条", "新型研发机构绩效优秀补助"),
    "voucher": ("voucher.settlement", "威政发〔2023〕5号", "第11条", "创新券兑付"),
    "tech_contract": ("B.14.contract_subsidy", "威政发〔2023〕5号", "第14条", "技术合同补助"),
    "incubation": ("A.16.national_incubator_reward", "威政发〔2018〕20号", "第16条", "孵化载体奖励"),
}
AMOUNTS = tuple(Decimal(a) for a in (5000, 10000, 20000, 50000, 100000, 200000, 300000, 500000, 1000000))
CLAIM_COLS = ("id", "programme_id", "organization_id", "origin", "provision_id", "title", "document", "article", "year",
              "event_key", "is_ceiling", "entitled_amount", "decided_amount", "budget_line_id", "explanation",
              "project_title", "summary", "bank_name", "bank_account", "state", "scores", "created_at", "updated_at")
ENTRY_COLS = ("id", "kind", "budget_line_id", "organization_id", "claim_id", "amount", "committed_delta", "paid_delta",
              "decision", "document", "article", "provision_id", "year", "idempotency_key", "reverses_id",
              "bank_account", "memo", "created_at")


def _org(rng: random.Random, orgs: list[int]) -> int:
    """Who claims: a fifth of the claims go to the busiest 1 % of the organisations, the rest to any of them."""
    if rng.random() < 0.2:
        return orgs[rng.randrange(max(1, len(orgs) // 100))]
    return orgs[rng.randrange(len(orgs))]


def _timed(fn, keys: list) -> tuple[float, float]:
    from benchmarks.common import percentile

    fn(keys[0])  # warm the connection and the plan
    times = []
    for k in keys:
        t = time.perf_counter()
        fn(k)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), percentile(times, 95)


def _lift(cur, table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Drops the table's foreign keys, unique constraints and secondary indexes (the primary key stays); returns
    what re-creates them."""
    cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", [table])
    constraints = cur.fetchall()
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
    indexes = cur.fetchall()
    for name, _ in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    return constraints, [d for _, d in indexes]


def _restore(cur, table: str, lifted: tuple[list[tuple[str, str]], list[str]]) -> None:
    constraints, indexes = lifted
    for sql in indexes:
        cur.execute(sql)
    for name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def build(target: int, n_orgs: int, seed: int) -> None:
    from django.db import connection, transaction

    from accounts.models import User
    from funding import services
    from funding.models import Claim, LedgerEntry, Programme
    from registry.models import Organization, Region

    if Programme.objects.filter(name__startswith="基准").exists():
        print(f"ledger: reusing {LedgerEntry.objects.count():,} entries, {Claim.objects.count():,} claims")
        return
    t0 = time.perf_counter()
    rng = random.Random(seed)
    regions = list(Region.objects.filter(kind="division"))
    for start in range(0, n_orgs, 20_000):
        Organization.objects.bulk_create([Organization(kind="enterprise", name=f"基准企业{i:07d}",
                                                       region=regions[i % len(regions)])
                                          for i in range(start, min(n_orgs, start + 20_000))])
    orgs = list(Organization.objects.filter(name__startswith="基准企业").order_by("id").values_list("id", flat=True))
    fin = User.objects.create_user("bench-finance", role="finance")
    lines: dict[tuple[int, str], list[tuple[int, int, float]]] = {}  # (year, kind) → [(programme, line, weight)]
    for year in YEARS:
        for kind, name in KINDS:
            p = services.create_programme(None, f"基准{name}", year, "威政发〔2023〕5号", kind=kind,
                                          lines=[(n, s, "100000000000") for n, s, _ in LINES])
            for line, (_, _, w) in zip(p.budget_lines.order_by("id"), LINES, strict=True):
                services.confirm_budget_line(fin, line)
                lines.setdefault((year, kind), []).append((p.pk, line.pk, w))
    print(f"organisations and programmes: {len(orgs):,} organisations, {len(lines) * 3} budget lines "
          f"in {time.perf_counter() - t0:,.1f} s", flush=True)

    cid = eid = 0
    t = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with transaction.atomic(), connection.cursor() as cur:
        lifted = {table: _lift(cur, table) for table in ("funding_claim", "funding_ledgerentry")}
        print(f"indexes and foreign keys lifted for the load in {time.perf_counter() - t:,.1f} s", flush=True)
        t = time.perf_counter()
        claim_rows: list[tuple] = []
        entry_rows: list[tuple] = []

        def flush() -> None:
            """One COPY per table per chunk (a connection runs one COPY at a time)."""
            with raw.cursor() as pc:
                with pc.copy(f"COPY funding_claim ({', '.join(CLAIM_COLS)}) FROM STDIN") as copy:
                    for row in claim_rows:
                        copy.write_row(row)
                with pc.copy(f"COPY funding_ledgerentry ({', '.join(ENTRY_COLS)}) FROM STDIN") as copy:
                    for row in entry_rows:
                        copy.write_row(row)
            claim_rows.clear()
            entry_rows.clear()

        while eid < target:
            cid += 1
            org = _org(rng, orgs)
            year = YEARS[min(len(YEARS) - 1, int(len(YEARS) * rng.random() ** 0.7))]
            kind = KINDS[rng.randrange(len(KINDS))][0]
            programme, line, _ = rng.choices(lines[(year, kind)], [w for *_, w in lines[(year, kind)]])[0]
            provision, document, article, title = PROVISIONS[kind]
            amount = rng.choice(AMOUNTS)
            stamp = dt.datetime(year, 1 + rng.randrange(12), 1 + rng.randrange(28), 9, 30, tzinfo=dt.UTC).isoformat()
            returned = rng.random() < 0.03
            claim_rows.append((cid, programme, org, "redemption", provision, title, document, article, year,
                               f"基准-{cid}", False, amount, amount, line, "", "", "", "威海市商业银行", "",
                               "approved" if returned else "paid", "{}", stamp, stamp))
            rows: list[tuple] = [("commitment", amount, amount, Decimal(0), f"commit:{cid}", None)]
            if rng.random() < 0.4:
                first = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
                rows.append(("payment", first, -first, first, f"milestone:{cid}:1", None))
                last, key = amount - first, f"milestone:{cid}:2"
            else:
                last, key = amount, f"pay:{cid}"
            rows.append(("payment", last, -last, last, key, None))
            if returned:  # the bank sent the last payment back: its reversal names it
                rows.append(("reversal", last, last, -last, f"bank-return:{cid}", eid + len(rows)))
            elif rng.random() < 0.01:
                back = (amount / 10).quantize(Decimal("0.01"))
                rows.append(("clawback", back, Decimal(0), -back, f"clawback:{cid}:1", None))
            decision = f"市科技局决定（申报 #{cid}）"
            for kind_, amt, c, p, key_, rev in rows:
                eid += 1
                entry_rows.append((eid, kind_, line, org, cid, amt, c, p, decision, document, article, provision,
                                   year, key_, rev, "", title, stamp))
            if len(claim_rows) == 100_000:
                flush()
                if cid % 500_000 == 0:
                    print(f"  copied {cid:,} claims, {eid:,} entries in {time.perf_counter() - t:,.0f} s", flush=True)
        flush()
        print(f"COPY: {cid:,} claims and {eid:,} entries in {time.perf_counter() - t:,.1f} s "
              f"= {eid / (time.perf_counter() - t):,.0f} entries/s", flush=True)
        t = time.perf_counter()
        for table, what in lifted.items():
            _restore(cur, table, what)
        for table in ("funding_claim", "funding_ledgerentry"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        print(f"indexes and foreign keys re-created (every row checked) in {time.perf_counter() - t:,.1f} s",
              flush=True)
        t = time.perf_counter()
        migration = importlib.import_module("funding.migrations.0015_org_totals_running_sums").Migration
        cur.execute("DELETE FROM funding_orgtotals")
        cur.execute("DELETE FROM funding_linetotals")
        for op in migration.operations[1:]:
            cur.execute(op.sql)
        print(f"running sums filled from the entries (migration 0015's statements) in {time.perf_counter() - t:,.1f} s",
              flush=True)
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE funding_claim")
        cur.execute("VACUUM ANALYZE funding_ledgerentry")
        cur.execute("ANALYZE funding_orgtotals")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t:,.1f} s; build {time.perf_counter() - t0:,.1f} s in all",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=10_000_000)
    ap.add_argument("--orgs", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import CommandError, call_command
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (COPY): set DATABASE_URL to an empty kc_* database")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']}", flush=True)
    build(args.entries, args.orgs, args.seed)

    from accounts.models import User
    from funding import services
    from funding.models import BudgetLine, Claim, LedgerEntry, Programme
    from registry.models import Organization

    n = LedgerEntry.objects.count()
    rng = random.Random(args.seed + 1)
    lines = list(BudgetLine.objects.all())
    programmes = list(Programme.objects.all())
    org_ids = list(Organization.objects.filter(name__startswith="基准企业").values_list("id", flat=True))
    orgs = [Organization(pk=rng.choice(org_ids)) for _ in range(args.repeat)]
    for label, fn, keys in (
            ("budget line balance", services.line_balance, [rng.choice(lines) for _ in range(args.repeat)]),
            ("programme totals", services.programme_totals, [rng.choice(programmes) for _ in range(args.repeat)]),
            ("money received by one organisation", services.money_received, orgs)):
        med, p95 = _timed(fn, keys)
        print(f"{label} over {n:,} entries: median {med:,.1f} ms, p95 {p95:,.1f} ms", flush=True)

    # for comparison, the reads as they were before the running sums: the entries added up (fewer draws)
    few = max(5, args.repeat // 20)
    for label, fn, keys in (
            ("budget line balance", services._ledger_balance, [rng.choice(lines) for _ in range(few)]),
            ("programme totals", lambda p: services._sums(LedgerEntry.objects.filter(budget_line__programme=p)),
             [rng.choice(programmes) for _ in range(few)])):
        med, p95 = _timed(fn, keys)
        print(f"  (before: {label} added up from the entries: median {med:,.1f} ms, p95 {p95:,.1f} ms)", flush=True)

    # 我的申报 for enterprise accounts of organisations drawn the way claims were (the busiest 1 % a fifth of them)
    users = []
    for i in range(min(50, args.repeat)):
        org_id = _org(rng, org_ids)
        users.append(User.objects.get_or_create(username=f"bench-enterprise-{i}",
                                                defaults={"role": "enterprise", "organization_id": org_id})[0])
    counts = [Claim.objects.filter(organization_id=u.organization_id).count() for u in users]
    clients = []
    for u in users:
        c = Client()
        c.force_login(u)
        clients.append(c)
    picks = [rng.randrange(len(clients)) for _ in range(args.repeat)]
    status: set[int] = set()

    def page(i: int) -> None:
        status.add(clients[i].get("/funding/mine/").status_code)

    cpu = time.process_time()
    med, p95 = _timed(page, picks)
    cpu = (time.process_time() - cpu) * 1000 / (len(picks) + 1)
    print(f"我的申报 page over {n:,} entries ({len(users)} enterprises, {min(counts)}–{max(counts)} claims each, "
          f"median {statistics.median(counts):.0f}; HTTP {sorted(status)}): median {med:,.1f} ms, p95 {p95:,.1f} ms; "
          f"{cpu:,.1f} ms of this process's CPU a request; load average {os.getloadavg()[0]:.1f}", flush=True)

    out = io.StringIO()
    t = time.perf_counter()
    try:
        call_command("funding", "check-totals", stdout=out)
        verdict = out.getvalue().strip().splitlines()[-1]
    except CommandError as exc:
        verdict = f"FAILED: {exc}"
    print(f"manage.py funding check-totals over {n:,} entries: {time.perf_counter() - t:,.1f} s — {verdict}",
          flush=True)


if __name__ == "__main__":
    main()
