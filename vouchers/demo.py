"""Demo data relative to today: providers from the registry, a few hundred instruments with this year's bookings, the
current year's voucher programme (valid 1 January – 31 December) with vouchers issued to tech SMEs, spent on confirmed
services and partly settled through the ledger. The ``provider`` account finds bookings to confirm (upcoming, pending)
and services to record (slots that have passed).

Deterministic (seeded), idempotent (skips when the current year's programme exists; an earlier year's providers and
instruments are reused) and bulk-written: seconds on the 4,000-enterprise demo city, and it works at every demo size.
Bookings and records of the past are written directly (the booking rules refuse the past); the subsidy of every use
is computed by ``vouchers.subsidy.compute``; settlements and payments go through ``vouchers.services`` and so through
the funding ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from funding import money as funding
from registry.models import Organization, Qualification
from vouchers import services, subsidy
from vouchers.models import (
    Booking,
    Instrument,
    Provider,
    ProviderService,
    ServiceRecord,
    Voucher,
    VoucherProgramme,
    VoucherUse,
)

PASSWORD = "demo12345"
KINDS = [("电子显微镜", "扫描电子显微镜", "SU8010", 400), ("光谱仪器", "傅里叶变换红外光谱仪", "Nicolet iS50", 180),
         ("色谱仪器", "高效液相色谱仪", "Agilent 1260", 150), ("质谱仪器", "气相色谱-质谱联用仪", "GCMS-QP2020", 260),
         ("X射线仪器", "X射线衍射仪", "D8 Advance", 300), ("力学性能测试", "万能材料试验机", "Instron 5982", 120),
         ("热分析仪器", "差示扫描量热仪", "DSC 214", 140), ("计量仪器", "三坐标测量机", "Global S", 220),
         ("生化分析", "实时荧光定量PCR仪", "QuantStudio 5", 160), ("海洋探测", "多波束测深系统", "SeaBat T50", 600)]
EVIDENCE_PDF = b"%PDF-1.4\n% demo evidence\n%%EOF\n"
#: the last days before today are kept free of random past bookings: the provider's slots to record sit there
RECENT_DAYS = 4


def today() -> dt.date:
    """The demo's today; tests patch this to build the demo as it would be built on another date."""
    return timezone.localdate()


def _user(username: str, display: str, role: str, **extra) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.role = display, role
    for k, v in extra.items():
        setattr(user, k, v)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sme_count(on: dt.date) -> int:
    return Qualification.objects.filter(Qualification.in_force(on), kind="tech_sme").values("organization_id") \
        .distinct().count()


def listed_on(on: dt.date) -> dt.date:
    """The day the 科技型中小企业 list is read on for this year's vouchers: ``on`` itself, or the last day of the latest
    list before it when that one lists more (a year's list is published from March, and the registry's data may end
    before ``on``)."""
    last = Qualification.objects.filter(kind="tech_sme", valid_from__lte=on).aggregate(m=Max("valid_to"))["m"]
    candidates = {on, dt.date(on.year - 1, 12, 31)} | ({min(last, on)} if last else set())
    return max(sorted(candidates), key=_sme_count)


def _providers(orgs: list[Organization], bureau: User | None) -> list[Provider]:
    """The demo's approved providers, made once: an earlier year's demo providers are reused. A provider's place
    (市内/市外, read by B 第30条) is its organisation's registry place."""
    have = set(Provider.objects.filter(organization__in=orgs).values_list("organization_id", flat=True))
    new = [Provider(organization=o, status=Provider.Status.APPROVED, inside_city=o.located_locally,
                    contact="演示联系人", decided_by=bureau, decided_at=timezone.now()) for o in orgs if o.pk not in have]
    Provider.objects.bulk_create(new)
    ProviderService.objects.bulk_create(
        [ProviderService(provider_id=p.pk, name=n, category=c, price_basis=b, price=Decimal(pr))
         for p in Provider.objects.filter(organization__in=[p.organization_id for p in new])
         for n, c, b, pr in (("材料成分检测", "testing", "sample", 500), ("研发设计咨询", "rd_design", "item", 8000))])
    return list(Provider.objects.filter(organization__in=orgs).select_related("organization").order_by("id"))


def _instruments(provs: list[Provider], count: int, rng: random.Random) -> list[Instrument]:
    if not Instrument.objects.filter(provider__in=provs).exists():
        ins = []
        for i in range(count):
            p = provs[i % len(provs)]
            kind, name, model, price = KINDS[rng.randrange(len(KINDS))]
            ins.append(Instrument(provider=p, name=name, model_no=model, kind=kind, region_id=p.organization.region_id,
                                  location=f"{p.organization.name} 实验楼",
                                  price=Decimal(price) * rng.choice((1, 1, 2)) / 2 + Decimal(50),
                                  price_basis="sample" if kind in ("生化分析", "色谱仪器") else "hour",
                                  networked=i < len(provs) or rng.random() < 0.9,
                                  needs_approval=i < len(provs) or rng.random() < 0.7,
                                  needs_training=i >= len(provs) and rng.random() < 0.1))
        Instrument.objects.bulk_create(ins)
    return list(Instrument.objects.filter(provider__in=provs).select_related("provider__organization").order_by("id"))


def _bookings(ins: list[Instrument], bookers: list[int], year: int, day0: dt.date, rng: random.Random,
              extra: dict[int, list[tuple[int, str, int]]]) -> list[Booking]:
    """This year's bookings up to a few days before ``day0`` (done, cancelled, no-show), then ``extra``: per
    instrument, (day offset from ``day0``, state, booker) — the slots waiting for the provider."""
    tz = timezone.get_current_timezone()
    busy_until = dict(Booking.objects.filter(instrument__in=ins).values("instrument_id")
                      .annotate(m=Max("ends_at")).values_list("instrument_id", "m"))
    first, stop = dt.date(year, 1, 2), day0 - dt.timedelta(days=RECENT_DAYS)
    out = []

    def add(instrument: Instrument, day: dt.date, hour: int, hours: int, state: str, org: int) -> None:
        start = dt.datetime.combine(day, dt.time(hour), tz)
        if busy_until.get(instrument.pk) and start < busy_until[instrument.pk]:
            return  # an earlier demo's booking holds the time
        out.append(Booking(instrument=instrument, organization_id=org, starts_at=start,
                           ends_at=start + dt.timedelta(hours=hours), state=state,
                           samples=rng.randrange(1, 6) if instrument.price_basis == "sample" else 0))

    for k, instrument in enumerate(ins):
        day = first + dt.timedelta(days=k % 7)
        for _ in range(rng.randrange(5, 25)):
            day += dt.timedelta(days=rng.randrange(3, 20))
            if day >= stop or day.year > year:
                break
            add(instrument, day, rng.randrange(8, 14), rng.randrange(1, 5),
                rng.choice(("done", "done", "done", "cancelled", "no_show")), rng.choice(bookers))
        for offset, state, org in extra.get(instrument.pk, []):
            add(instrument, day0 + dt.timedelta(days=offset), 9 + 2 * (offset % 3), 2, state, org)
    return out


def generate(instruments: int = 300, seed: int = 15) -> dict[str, int]:
    year = (day0 := today()).year
    if VoucherProgramme.objects.filter(year=year).exists():
        return {}
    rng = random.Random(seed)
    bureau = User.objects.filter(role=Role.BUREAU).order_by("id").first() or User.objects.filter(
        is_superuser=True).order_by("id").first()
    finance = _user("finance", "市财政局演示账户", Role.FINANCE)
    orgs = list(Organization.objects.filter(kind__in=("service_provider", "research_institution"))
                .order_by("id")[:40])
    if not orgs:
        return {}
    listed = listed_on(day0)
    smes = list(Qualification.objects.filter(Qualification.in_force(listed), kind="tech_sme")
                .values_list("organization_id", flat=True).distinct().order_by("organization_id"))
    bookers = smes or list(Organization.objects.filter(kind="enterprise").order_by("id")
                           .values_list("id", flat=True)[:500])
    if not bookers:
        return {}
    demo_org = User.objects.filter(username="enterprise").values_list("organization_id", flat=True).first()
    with transaction.atomic():
        provs = _providers(orgs, bureau)
        accounts = [_user("provider" if i == 0 else f"provider{i + 1}", p.organization.name, Role.PROVIDER,
                          organization=p.organization) for i, p in enumerate(provs[:5])]
        ins = _instruments(provs, max(instruments, len(provs)), rng)
        # the first provider's instruments: upcoming bookings to confirm, passed slots to record (the demo
        # enterprise's among them), and the same on a few other instruments
        waiting: dict[int, list[tuple[int, str, int]]] = {}
        first = [i for i in ins if i.provider_id == provs[0].pk][:3]
        for n, i in enumerate(first + [i for i in ins[len(provs):len(provs) + 20] if i not in first]):
            org = demo_org if demo_org and n < 2 else bookers[rng.randrange(len(bookers))]
            waiting[i.pk] = [(3 + n % 5, "pending", org), (-1 - n % 3, "approved", org)]
        bookings = _bookings(ins, bookers, year, day0, rng, waiting)
        Booking.objects.bulk_create(bookings, batch_size=2000)
        vp = services.create_programme(
            bureau, year, city_budget="20000000", province_budget="40000000", starts_on=dt.date(year, 1, 1),
            expires_on=dt.date(year, 12, 31), yearly_cap="100000", publicity_days=0,
            kinds=[{"kind": "universal", "categories": ["instrument", "testing", "rd_design", "consulting"],
                    "face_amount": "20000", "share": "0.5"},
                   {"kind": "priority", "categories": ["tech_transfer", "rd_design"], "face_amount": "100000",
                    "share": "0.3", "qualification": "high_tech_enterprise"}])
        funding.confirm_budget_line(finance, vp.city_line)
        funding.confirm_budget_line(finance, vp.province_line)
        universal = vp.kinds.get(kind="universal")
        issued = sum(services.issue_vouchers(bureau, k, vp.starts_on, qualified_on=listed) for k in vp.kinds.all())
        vouchers = {v.organization_id: v for v in Voucher.objects.filter(kind=universal)}
        records, uses = [], []
        done = [b for b in bookings if b.state == "done"]
        for n, b in enumerate(done[::2]):
            v = vouchers.get(b.organization_id)
            qty = Decimal(b.samples) if b.instrument.price_basis == "sample" else b.hours
            fee = (b.instrument.price * qty).quantize(Decimal("0.01"))
            if v is None or v.spent + fee > v.amount:
                continue
            q = subsidy.compute(fee, category="instrument",
                                networked_instrument=b.instrument.networked and b.instrument.provider.inside_city,
                                performed_on=b.starts_at.date(), small_or_team=True, programme_share=universal.share)
            q = subsidy.scale(q, v.amount - v.spent)
            if q.total <= 0:
                continue
            v.spent += q.total
            rec = ServiceRecord(provider=b.instrument.provider, organization_id=b.organization_id, booking=b,
                                instrument=b.instrument, category="instrument", performed_on=b.starts_at.date(),
                                quantity=qty, amount=fee, invoice_no=f"DEMO{year}{n:06d}",
                                state=ServiceRecord.State.CONFIRMED, confirmed_at=b.ends_at, rating=rng.randrange(3, 6))
            records.append(rec)
            uses.append((rec, VoucherUse(voucher=v, city_amount=q.city, province_amount=q.province,
                                         citation=q.citation, explanation=q.explanation, state="spent")))
        ServiceRecord.objects.bulk_create(records, batch_size=2000)
        for rec, use in uses:
            use.record = rec
        VoucherUse.objects.bulk_create([u for _, u in uses], batch_size=2000)
        Voucher.objects.bulk_update([v for v in vouchers.values() if v.spent], ["spent"], batch_size=2000)
        settled = 0
        by_provider: dict[int, list[int]] = {}
        for rec, use in uses:
            by_provider.setdefault(rec.provider_id, []).append(use.pk)
        for i, (p, acct) in enumerate(zip(provs, accounts, strict=False)):
            if not by_provider.get(p.pk):
                continue
            evidence = {label: (f"{label}.pdf", EVIDENCE_PDF + label.encode()) for label in services.EVIDENCE}
            batch = services.create_settlement(acct, by_provider[p.pk], evidence, "威海市商业银行",
                                               f"62220000{p.pk:08d}")
            services.approve_settlement(bureau, batch.pk)
            if i < 3:
                services.end_publicity(bureau, batch.pk)
                services.pay_settlement(finance, batch.pk)
                settled += 1
    return {"year": year, "providers": len(provs), "instruments": len(ins), "bookings": len(bookings),
            "vouchers": issued, "uses": len(uses), "settled_batches": settled}
