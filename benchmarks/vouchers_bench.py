"""Vouchers and shared instruments benchmark: booking under contention, catalogue search, a settlement batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_vouchers \
        .venv/bin/python benchmarks/vouchers_bench.py --enterprises 1000 --instruments 10000 --users 20 \
        --attempts 25 --records 10000

On the database given (migrated here; the demo city is generated once):
* booking: ``--users`` threads, each an enterprise account with its own connection, book 1-hour slots of ONE instrument
  through ``vouchers.services.book`` (the code path of the page and the API) — many collide; throughput (requests/s,
  bookings/s) and p50/p95 of one request;
* catalogue search: ``--instruments`` instruments; the catalogue page through the whole Django stack (test client)
  with keyword, category and district filters, p50/p95;
* settlement: ``--records`` confirmed service records paid by vouchers, claimed in one batch
  (``create_settlement``: abuse checks, funding claims with evidence) then approved, publicity ended and paid through the
  funding ledger; seconds per step.
Prints figures; asserts none. Run it on an empty database (or one that only holds the demo city).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

YEAR = 2025


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=1000)
    ap.add_argument("--instruments", type=int, default=10_000)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--attempts", type=int, default=25)
    ap.add_argument("--searches", type=int, default=100)
    ap.add_argument("--records", type=int, default=10_000)
    args = ap.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from benchmarks.common import ensure_demo_city, percentile
    from funding import services as funding
    from registry.models import Organization
    from vouchers import services, subsidy
    from vouchers.models import Booking, Instrument, Provider, ServiceRecord, Voucher, VoucherProgramme, VoucherUse

    call_command("migrate", verbosity=0)
    ensure_demo_city(args.enterprises, 2020)
    print(f"database: {connection.vendor}")
    rng = random.Random(15)

    def user(name: str, role: str, **extra) -> User:
        u, _ = User.objects.get_or_create(username=name, defaults={"role": role, **extra})
        return u

    bureau, finance = user("bench-bureau", "bureau"), user("bench-finance", "finance")
    p_org = Organization.objects.filter(kind__in=("service_provider", "research_institution")).order_by("id").first()
    prov_user = user("bench-provider", "provider", organization=p_org)
    provider, _ = Provider.objects.get_or_create(organization=p_org, defaults={"status": "approved"})
    Provider.objects.filter(pk=provider.pk).update(status="approved")
    smes = list(Organization.objects.filter(kind="enterprise", qualifications__kind="tech_sme").distinct()
                .order_by("id")[:500])

    # ---------------------------------------------------------------- catalogue of --instruments
    have = Instrument.objects.count()
    if have < args.instruments:
        kinds = ["电子显微镜", "光谱仪器", "色谱仪器", "质谱仪器", "X射线仪器", "力学性能测试", "热分析仪器", "计量仪器"]
        Instrument.objects.bulk_create([
            Instrument(provider=provider, name=f"{rng.choice(kinds)}{i:05d}", model_no=f"M-{i % 97}",
                       kind=rng.choice(kinds), region_id=rng.choice(smes).region_id, price=Decimal(100 + i % 400))
            for i in range(args.instruments - have)], batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    client = Client()
    client.force_login(user("bench-ent-0", "enterprise", organization=smes[0]))
    regions = list(Instrument.objects.values_list("region_id", flat=True).distinct())
    queries = [{"q": "光谱"}, {"kind": "电子显微镜"}, {"region": None}, {"q": "00", "kind": "质谱仪器"}, {}]
    times = []
    for i in range(args.searches):
        q = dict(queries[i % len(queries)])
        if "region" in q:
            q["region"] = rng.choice(regions)
        t = time.perf_counter()
        r = client.get("/vouchers/", q, HTTP_HOST="127.0.0.1")
        times.append(time.perf_counter() - t)
        assert r.status_code == 200
    print(f"catalogue search over {Instrument.objects.count():,} instruments ({args.searches} page requests): "
          f"p50 {percentile(times, 50) * 1000:.0f} ms, p95 {percentile(times, 95) * 1000:.0f} ms")

    # ---------------------------------------------------------------- booking contention on one instrument
    busy = Instrument.objects.create(provider=provider, name="繁忙仪器", kind="电子显微镜", region_id=smes[0].region_id,
                                     price=Decimal(400), notice_hours=0, max_hours=8, needs_approval=False)
    accounts = [user(f"bench-ent-{i}", "enterprise", organization=smes[i % len(smes)]) for i in range(args.users)]
    day0 = timezone.localdate() + dt.timedelta(days=1)
    slots = [timezone.make_aware(dt.datetime.combine(day0 + dt.timedelta(days=d), dt.time(h)))
             for d in range(max(2, args.users * args.attempts // 40)) for h in range(8, 18)]
    lat: list[float] = []
    ok = [0]
    lock = threading.Lock()

    def worker(k: int) -> None:
        r = random.Random(k)
        mine = []
        for _ in range(args.attempts):
            s = r.choice(slots)
            t = time.perf_counter()
            try:
                services.book(accounts[k], busy.pk, s, s + dt.timedelta(hours=1))
                good = 1
            except services.VoucherError:
                good = 0
            mine.append(time.perf_counter() - t)
            with lock:
                ok[0] += good
        with lock:
            lat.extend(mine)
        connections.close_all()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    n = len(lat)
    print(f"booking, {args.users} concurrent users on one instrument, {n} requests over {len(slots)} slots: "
          f"{n / wall:,.1f} requests/s, {ok[0]} bookings made ({ok[0] / wall:,.1f}/s), "
          f"p50 {percentile(lat, 50) * 1000:.0f} ms, p95 {percentile(lat, 95) * 1000:.0f} ms; "
          f"overlapping live bookings: {_overlaps(Booking, busy)}")

    # ---------------------------------------------------------------- settlement batch of --records
    vp = VoucherProgramme.objects.filter(year=YEAR).first() or services.create_programme(
        bureau, YEAR, city_budget="900000000", province_budget="900000000", starts_on=dt.date(YEAR, 1, 1),
        expires_on=dt.date(YEAR, 12, 31), yearly_cap="1000000", publicity_days=0,
        kinds=[{"kind": "universal", "categories": ["instrument"], "face_amount": "1000000", "share": "0.5"}])
    for line in (vp.city_line, vp.province_line):
        funding.confirm_budget_line(finance, line)
    kind = vp.kinds.get()
    services.issue_vouchers(bureau, kind, dt.date(YEAR, 3, 1))
    vouchers = list(Voucher.objects.filter(kind=kind, organization__in=smes))
    inst = list(Instrument.objects.filter(provider=provider).exclude(pk=busy.pk)[:50])
    t = time.perf_counter()
    tz = timezone.get_current_timezone()
    bookings = []
    for i in range(args.records):
        start = dt.datetime.combine(dt.date(YEAR, 3, 1) + dt.timedelta(days=i // (10 * len(inst))),
                                    dt.time(8 + (i // len(inst)) % 10), tz)
        bookings.append(Booking(instrument=inst[i % len(inst)], organization=vouchers[i % len(vouchers)].organization,
                                starts_at=start, ends_at=start + dt.timedelta(hours=1), state="done"))
    Booking.objects.bulk_create(bookings, batch_size=5000)
    recs, uses = [], []
    for i, b in enumerate(bookings):
        fee = b.instrument.price
        q = subsidy.compute(fee, category="instrument", networked_instrument=True, performed_on=b.starts_at.date(),
                            small_or_team=True, programme_share=Decimal("0.5"))
        recs.append(ServiceRecord(provider=provider, organization=b.organization, booking=b, instrument=b.instrument,
                                  category="instrument", performed_on=b.starts_at.date(), quantity=1, amount=fee,
                                  invoice_no=f"BENCH{i:07d}", state="confirmed"))
        uses.append(VoucherUse(voucher=vouchers[i % len(vouchers)], city_amount=q.city, province_amount=q.province,
                               citation=q.citation, explanation=q.explanation, state="spent"))
    ServiceRecord.objects.bulk_create(recs, batch_size=5000)
    for r, u in zip(recs, uses, strict=True):
        u.record = r
    VoucherUse.objects.bulk_create(uses, batch_size=5000)
    print(f"settlement fixture: {args.records:,} confirmed records with voucher uses in "
          f"{time.perf_counter() - t:.1f} s")
    pdf = b"%PDF-1.4\n%%EOF\n"
    evidence = {label: (f"{label}.pdf", pdf + label.encode()) for label in services.EVIDENCE}
    steps = []
    t = time.perf_counter()
    batch = services.create_settlement(prov_user, [u.pk for u in uses], evidence, "银行", "6222000011112222")
    steps.append(("submit (abuse checks + funding claims)", time.perf_counter() - t))
    for name, fn, who in (("approve", services.approve_settlement, bureau),
                          ("second approval", services.approve_settlement, user("bench-bureau-2", "bureau")),
                          ("end publicity", services.end_publicity, bureau), ("pay", services.pay_settlement, finance)):
        batch.refresh_from_db()
        if name == "second approval" and batch.state != "second":
            continue
        t = time.perf_counter()
        fn(who, batch.pk)
        steps.append((name, time.perf_counter() - t))
    batch.refresh_from_db()
    flagged = batch.items.exclude(flags=[]).count()
    print(f"settlement batch of {args.records:,} records ({flagged:,} flagged): " +
          ", ".join(f"{n} {s:.2f} s" for n, s in steps) +
          f"; total {sum(s for _, s in steps):.2f} s; paid city {batch.city_amount:,.2f} 元, "
          f"province {batch.province_amount:,.2f} 元")


def _overlaps(Booking, instrument) -> int:
    live = list(Booking.objects.filter(instrument=instrument, state__in=("pending", "approved", "done"))
                .order_by("starts_at").values_list("starts_at", "ends_at"))
    return sum(1 for a, b in zip(live, live[1:], strict=False) if b[0] < a[1])


if __name__ == "__main__":
    main()
