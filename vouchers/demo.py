"""Demo data: providers from the registry, a few hundred instruments with a year of bookings, a 2024 voucher
programme with vouchers issued to tech SMEs, spent on confirmed services and partly settled through the ledger.

Deterministic (seeded), idempotent (skips when the 2024 programme exists) and bulk-written: seconds on the
4,000-enterprise demo city. Bookings and records of the past are written directly (the booking rules refuse the
past); the subsidy of every use is computed by ``vouchers.subsidy.compute``; settlements and payments go through
``vouchers.services`` and so through the funding ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from funding import services as funding
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

YEAR = 2024
PASSWORD = "demo12345"
KINDS = [("电子显微镜", "扫描电子显微镜", "SU8010", 400), ("光谱仪器", "傅里叶变换红外光谱仪", "Nicolet iS50", 180),
         ("色谱仪器", "高效液相色谱仪", "Agilent 1260", 150), ("质谱仪器", "气相色谱-质谱联用仪", "GCMS-QP2020", 260),
         ("X射线仪器", "X射线衍射仪", "D8 Advance", 300), ("力学性能测试", "万能材料试验机", "Instron 5982", 120),
         ("热分析仪器", "差示扫描量热仪", "DSC 214", 140), ("计量仪器", "三坐标测量机", "Global S", 220),
         ("生化分析", "实时荧光定量PCR仪", "QuantStudio 5", 160), ("海洋探测", "多波束测深系统", "SeaBat T50", 600)]
EVIDENCE_PDF = b"%PDF-1.4\n% demo evidence\n%%EOF\n"


def _user(username: str, display: str, role: str, **extra) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.role = display, role
    for k, v in extra.items():
        setattr(user, k, v)
    user.set_password(PASSWORD)
    user.save()
    return user


def generate(instruments: int = 300, seed: int = 15) -> dict[str, int]:
    if VoucherProgramme.objects.filter(year=YEAR).exists():
        return {}
    rng = random.Random(seed)
    bureau = User.objects.filter(role=Role.BUREAU).order_by("id").first() or User.objects.filter(
        is_superuser=True).order_by("id").first()
    finance = _user("finance", "市财政局演示账户", Role.FINANCE)
    orgs = list(Organization.objects.filter(kind__in=("service_provider", "research_institution"))
                .order_by("id")[:40])
    with transaction.atomic():
        provs = [Provider(organization=o, status=Provider.Status.APPROVED, inside_city=i % 6 != 5,
                          contact="演示联系人", decided_by=bureau, decided_at=timezone.now()) for i, o in enumerate(orgs)]
        Provider.objects.bulk_create(provs)
        provs = list(Provider.objects.filter(organization__in=orgs).select_related("organization").order_by("id"))
        ProviderService.objects.bulk_create(
            [ProviderService(provider=p, name=n, category=c, price_basis=b, price=Decimal(pr))
             for p in provs for n, c, b, pr in (("材料成分检测", "testing", "sample", 500),
                                                ("研发设计咨询", "rd_design", "item", 8000))])
        ins = []
        for i in range(instruments):
            p = provs[i % len(provs)]
            kind, name, model, price = KINDS[rng.randrange(len(KINDS))]
            ins.append(Instrument(provider=p, name=name, model_no=model, kind=kind, region_id=p.organization.region_id,
                                  location=f"{p.organization.name} 实验楼", price=Decimal(price) * rng.choice((1, 1, 2)) / 2
                                  + Decimal(50), price_basis="sample" if kind in ("生化分析", "色谱仪器") else "hour",
                                  networked=rng.random() < 0.9, needs_approval=rng.random() < 0.7,
                                  needs_training=rng.random() < 0.1))
        Instrument.objects.bulk_create(ins)
        ins = list(Instrument.objects.filter(provider__in=provs).select_related("provider__organization"))
        smes = list(Qualification.objects.filter(Qualification.in_force(dt.date(YEAR, 3, 1)), kind="tech_sme")
                    .values_list("organization_id", flat=True).distinct().order_by("organization_id"))
        tz = timezone.get_current_timezone()
        bookings = []
        for k, instrument in enumerate(ins):
            day = dt.date(YEAR, 1, 2) + dt.timedelta(days=k % 7)
            for _ in range(rng.randrange(5, 25)):
                day += dt.timedelta(days=rng.randrange(3, 20))
                if day.year > YEAR:
                    break
                h = rng.randrange(8, 14)
                start = dt.datetime.combine(day, dt.time(h), tz)
                bookings.append(Booking(instrument=instrument, organization_id=rng.choice(smes), starts_at=start,
                                        ends_at=start + dt.timedelta(hours=rng.randrange(1, 5)),
                                        samples=rng.randrange(1, 6) if instrument.price_basis == "sample" else 0,
                                        state=rng.choice(("done", "done", "done", "cancelled", "no_show"))))
        Booking.objects.bulk_create(bookings, batch_size=2000)
        vp = services.create_programme(
            bureau, YEAR, city_budget="20000000", province_budget="40000000", starts_on=dt.date(YEAR, 1, 1),
            expires_on=dt.date(YEAR, 12, 31), yearly_cap="100000", publicity_days=0,
            kinds=[{"kind": "universal", "categories": ["instrument", "testing", "rd_design", "consulting"],
                    "face_amount": "20000", "share": "0.5"},
                   {"kind": "priority", "categories": ["tech_transfer", "rd_design"], "face_amount": "100000",
                    "share": "0.3", "qualification": "high_tech_enterprise"}])
        funding.confirm_budget_line(finance, vp.city_line)
        funding.confirm_budget_line(finance, vp.province_line)
        universal = vp.kinds.get(kind="universal")
        issued = sum(services.issue_vouchers(bureau, k, dt.date(YEAR, 3, 1)) for k in vp.kinds.all())
        vouchers = {v.organization_id: v for v in Voucher.objects.filter(kind=universal)}
        records, uses = [], []
        done = [b for b in Booking.objects.filter(instrument__in=ins, state="done", starts_at__gte=dt.datetime(
            YEAR, 3, 1, tzinfo=tz)).select_related("instrument").order_by("id")]
        for n, b in enumerate(done[: len(done) // 2]):
            v = vouchers.get(b.organization_id)
            qty = Decimal(b.samples) if b.instrument.price_basis == "sample" else b.hours
            fee = (b.instrument.price * qty).quantize(Decimal("0.01"))
            if v is None or v.spent + fee > v.amount:
                continue
            q = subsidy.compute(fee, category="instrument", networked_instrument=b.instrument.networked,
                                performed_on=b.starts_at.date(), small_or_team=True, programme_share=universal.share)
            q = subsidy.scale(q, v.amount - v.spent)
            if q.total <= 0:
                continue
            v.spent += q.total
            rec = ServiceRecord(provider=b.instrument.provider, organization_id=b.organization_id, booking=b,
                                instrument=b.instrument, category="instrument", performed_on=b.starts_at.date(),
                                quantity=qty, amount=fee, invoice_no=f"DEMO{YEAR}{n:06d}",
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
        for i, p in enumerate(provs[:5]):
            if not by_provider.get(p.pk):
                continue
            acct = _user("provider" if i == 0 else f"provider{i + 1}", p.organization.name, Role.PROVIDER,
                         organization=p.organization)
            evidence = {label: (f"{label}.pdf", EVIDENCE_PDF + label.encode()) for label in services.EVIDENCE}
            batch = services.create_settlement(acct, by_provider[p.pk], evidence, "威海市商业银行",
                                               f"62220000{p.pk:08d}")
            services.approve_settlement(bureau, batch.pk)
            if i < 3:
                services.end_publicity(bureau, batch.pk)
                services.pay_settlement(finance, batch.pk)
                settled += 1
    return {"providers": len(provs), "instruments": len(ins), "bookings": len(bookings), "vouchers": issued,
            "uses": len(uses), "settled_batches": settled}
