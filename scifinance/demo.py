"""Demo science-and-technology finance for the demo city: partner banks with their 科技支行, insurers, guarantee and
investment institutions (with 备案), the three risk-compensation pools with city and province money, a few thousand
loans with schedules and repayment histories, some defaults, loss claims, paid compensation and recoveries, and
insurance policies. Deterministic (seeded); loans and repayments are written in bulk."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from registry.demo import DEMO_PASSWORD
from registry.models import Organization, Recognition, Region
from registry.uscc import make_uscc
from scifinance import pools, services
from scifinance.models import (
    Collateral,
    InsurancePolicy,
    Loan,
    Partner,
    PartnerKind,
    PolicyProduct,
    Product,
    Repayment,
    ScheduledRepayment,
    Scheme,
)

BANKS = ["威海市商业银行", "工商银行威海分行", "建设银行威海分行", "农业银行威海分行", "中国银行威海分行", "齐鲁银行威海分行"]
INSURERS = ["人保财险威海市分公司", "太平洋财险威海中心支公司"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class FinanceDemoSummary:
    partners: int = 0
    loans: int = 0
    repayments: int = 0
    defaults: int = 0
    claims: int = 0
    paid: int = 0
    policies: int = 0


def _org(name: str, n: int, region: Region) -> Organization:
    org, _ = Organization.objects.get_or_create(
        uscc=make_uscc(f"91371000MA9F{n:05d}"),
        defaults={"kind": "service_provider", "provider_type": "finance", "name": name, "region": region})
    return org


def _add_months(d: dt.date, months: int) -> dt.date:
    return d + relativedelta(months=months)


def generate(loans: int = 3000, seed: int = 11, today: dt.date | None = None) -> FinanceDemoSummary:
    today = today or dt.date.today()
    rng = random.Random(seed)
    s = FinanceDemoSummary()
    region = Region.objects.filter(kind="division").order_by("code").first()
    bureau = User.objects.filter(role="bureau").first() or User.objects.filter(is_superuser=True).first()
    pw = make_password(DEMO_PASSWORD)
    finance_user, _ = User.objects.get_or_create(username="finance", defaults={"role": "finance", "password": pw,
                                                                                "first_name": "市财政局"})
    with transaction.atomic():
        banks, branches = [], []
        for i, name in enumerate(BANKS):
            bank = services.register_partner(None, _org(name, 100 + i, region), PartnerKind.BANK)
            branch = services.register_partner(None, _org(f"{name}科技支行", 200 + i, region), PartnerKind.TECH_BRANCH,
                                               parent=bank)
            for scheme in Scheme.values:
                services.file_partner(None, bank, scheme, dt.date(2019, 3, 1) + dt.timedelta(days=30 * i),
                                      exposure_limit=Decimal(500_000_000))
            banks.append(bank)
            branches.append(branch)
        insurers = [services.register_partner(None, _org(n, 300 + i, region), PartnerKind.INSURER)
                    for i, n in enumerate(INSURERS)]
        services.register_partner(None, _org("威海市融资担保集团", 400, region), PartnerKind.GUARANTEE)
        for i, n in enumerate(["威海市科创投资基金", "山东新动能威海基金"]):
            inv = services.register_partner(None, _org(n, 500 + i, region), PartnerKind.INVESTMENT)
            services.file_partner(None, inv, Scheme.CHOKEPOINT, dt.date(2023, 9, 1))
        s.partners = Partner.objects.count()
        for username, partner in (("bank", banks[0]), ("techbranch", branches[0]), ("insurer", insurers[0])):
            User.objects.get_or_create(username=username, defaults={
                "role": "provider", "organization": partner.organization, "password": pw,
                "first_name": partner.organization.name})

        pool_of = {}
        for scheme in pools.POOL_SCHEMES:
            pool = pools.create_pool(bureau, scheme, 2023)
            pools.contribute(bureau, pool, "city", "50000000", "2023-01-10", confirm_as=finance_user)
            pools.contribute(bureau, pool, "province", "50000000", "2023-02-10")
            pool_of[scheme] = pool

        ents = list(Organization.objects.filter(kind="enterprise").values_list("id", flat=True).order_by("id"))
        if not ents:
            return s
        products = [(Product.TRANSFORMATION_LOAN, 35), (Product.IP_PLEDGE_LOAN, 20), (Product.TECH_BANK_LOAN, 25),
                    (Product.TALENT_LOAN, 10), (Product.CHOKEPOINT_LOAN, 10)]
        names, weights = zip(*products, strict=True)
        start = dt.date(2023, 1, 1)
        span = max(1, (min(today, dt.date(2025, 10, 31)) - start).days)
        new: list[Loan] = []
        talent_year: dict[tuple[int, int], int] = {}
        for k in range(loans):
            product = rng.choices(names, weights)[0]
            borrower = rng.choice(ents)
            date = start + dt.timedelta(days=rng.randrange(span))
            if product == Product.TALENT_LOAN:
                if talent_year.get((borrower, date.year), 0) >= 4:
                    product = Product.TRANSFORMATION_LOAN
                else:
                    talent_year[(borrower, date.year)] = talent_year.get((borrower, date.year), 0) + 1
            amount = Decimal(rng.choice([50, 100, 200, 300, 500, 800, 1000])) * 10_000
            term = rng.choice([12, 24, 36]) if product != Product.TALENT_LOAN else 12
            lender = rng.choice(branches) if product == Product.TECH_BANK_LOAN or rng.random() < 0.3 else rng.choice(banks)
            collateral = {Product.IP_PLEDGE_LOAN: Collateral.IP_PLEDGE, Product.TALENT_LOAN: Collateral.CREDIT,
                          Product.CHOKEPOINT_LOAN: Collateral.CREDIT}.get(product) or rng.choice(
                [Collateral.REAL_ESTATE, Collateral.GUARANTEE, Collateral.EQUITY_PLEDGE, Collateral.CREDIT])
            filed = date + dt.timedelta(days=rng.randrange(3, 30)) if product in (
                Product.TRANSFORMATION_LOAN, Product.TALENT_LOAN, Product.IP_PLEDGE_LOAN) and rng.random() < 0.8 else None
            if filed and filed > today:
                filed = None
            new.append(Loan(lender=lender, borrower_id=borrower, product=product, contract_no=f"WH{date:%Y%m}{k:05d}",
                            contract_date=date, amount=amount, term_months=term,
                            rate=Decimal(rng.choice(["3.10", "3.45", "3.65", "3.85", "4.35"])), collateral=collateral,
                            talent_name=f"人才{k}" if product == Product.TALENT_LOAN else "",
                            talent_id=f"DEMO{k:06d}" if product == Product.TALENT_LOAN else "", filed_on=filed))
        Loan.objects.bulk_create(new, batch_size=2000)
        created = list(Loan.objects.filter(contract_no__startswith="WH").order_by("id"))
        schedule, reps, defaults = [], [], []
        for loan in created:
            instalments = max(1, loan.term_months // 12)
            part = (loan.amount / instalments).quantize(Decimal("0.01"))
            dues = [(_add_months(loan.contract_date, 12 * (i + 1)), part) for i in range(instalments - 1)]
            dues.append((loan.maturity, loan.amount - part * (instalments - 1)))  # the last one at maturity
            schedule += [ScheduledRepayment(loan=loan, due_on=d, principal=p) for d, p in dues]
            defaulting = rng.random() < 0.03 and loan.filed_on is not None
            for d, p in dues:
                if defaulting:
                    default_on = min(d, today - dt.timedelta(days=100))
                    if default_on > (loan.filed_on or loan.contract_date):
                        loan.defaulted_on = default_on
                        defaults.append(loan)
                    break
                late = rng.random() < 0.05
                paid_on = d + dt.timedelta(days=rng.randrange(5, 40)) if late else d - dt.timedelta(days=rng.randrange(0, 5))
                if paid_on > today:
                    break
                reps.append(Repayment(loan=loan, paid_on=paid_on, principal=p, interest=(p * loan.rate / 100).quantize(
                    Decimal("0.01")), on_time=not late))
        ScheduledRepayment.objects.bulk_create(schedule, batch_size=5000)
        Repayment.objects.bulk_create(reps, batch_size=5000)
        Loan.objects.bulk_update(defaults, ["defaulted_on"], batch_size=1000)
        s.loans, s.repayments, s.defaults = len(created), len(reps), len(defaults)

        for n, loan in enumerate(defaults[:40]):
            filed_on = loan.defaulted_on + dt.timedelta(days=95)
            if filed_on > today or not loan.filed(loan.defaulted_on):
                continue
            clerk = User.objects.filter(organization=loan.lender.organization).first() or User.objects.create(
                username=f"bankclerk{loan.lender_id}", role="provider", organization=loan.lender.organization,
                password=pw)
            lc = pools.file_loss_claim(clerk, loan, services.outstanding(loan, loan.defaulted_on), filed_on,
                                       [("违约与追偿证明", "evidence.pdf", PDF)], loan.lender.organization.name,
                                       f"62220000{loan.lender_id:04d}0001")
            s.claims += 1
            if n % 4 == 3:
                continue  # left for staff to review
            pools.approve_loss_claim(bureau, lc)
            pools.pay_loss_claim(finance_user, lc)
            s.paid += 1
            if n % 3 == 0:
                pools.record_recovery(finance_user, lc, (lc.loss * Decimal("0.2")).quantize(Decimal("0.01")),
                                      min(today, filed_on + dt.timedelta(days=60)))

        # work waiting for the demo lenders today (issue 24): a 备案 loan of each that defaulted 100 days ago, past
        # the 90-day wait, with no compensation claim yet
        for lender in (banks[0], branches[0]):
            loan = (Loan.objects.filter(lender=lender, filed_on__lt=today - dt.timedelta(days=100),
                                        defaulted_on__isnull=True, filing_revoked_on__isnull=True)
                    .order_by("-contract_date").first())
            if loan is not None:
                Loan.objects.filter(pk=loan.pk).update(defaulted_on=today - dt.timedelta(days=100))
                s.defaults += 1

        policies = []
        # and one policy of the demo insurer whose one-year term ends in about two weeks, to renew
        renew_on = today - dt.timedelta(days=350)
        policies.append(InsurancePolicy(insurer=insurers[0], insured_id=ents[0], product=PolicyProduct.IP_PLEDGE_INSURANCE,
                                        policy_no=f"BD{renew_on:%Y}R0001", start_on=renew_on, premium_paid_on=renew_on,
                                        premium=Decimal(50_000)))
        for k in range(max(1, loans // 15)):
            paid_on = start + dt.timedelta(days=rng.randrange(span))
            product = rng.choice([PolicyProduct.CHOKEPOINT_RD_INSURANCE, PolicyProduct.IP_PLEDGE_INSURANCE])
            policies.append(InsurancePolicy(insurer=rng.choice(insurers), insured_id=rng.choice(ents), product=product,
                                            policy_no=f"BD{paid_on:%Y}{k:05d}", start_on=paid_on, premium_paid_on=paid_on,
                                            premium=Decimal(rng.choice([20_000, 50_000, 100_000, 300_000, 500_000]))))
        topics = ["高端轴承", "医用高分子材料", "碳纤维复合材料", "船舶动力控制", "工业软件", "海洋生物制剂"]
        chokepoint = Loan.objects.filter(product=Product.CHOKEPOINT_LOAN, contract_no__startswith="WH").order_by("id")[:12]
        for k, loan in enumerate(chokepoint):
            Recognition.objects.get_or_create(
                organization_id=loan.borrower_id, kind="project", subject="chokepoint_project",
                defaults={"title": f"{topics[k % len(topics)]}“卡脖子”攻关项目", "level": "city",
                          "occurred_on": loan.contract_date - dt.timedelta(days=30), "reference": "威政发〔2023〕5号 第24条"})
            policies.append(InsurancePolicy(insurer=insurers[k % 2], insured_id=loan.borrower_id,
                                            product=PolicyProduct.CHOKEPOINT_RD_INSURANCE, policy_no=f"KB{k:05d}",
                                            start_on=loan.contract_date, premium_paid_on=loan.contract_date,
                                            premium=Decimal(rng.choice([100_000, 250_000, 600_000]))))
        InsurancePolicy.objects.bulk_create(policies)
        s.policies = len(policies)
    return s
