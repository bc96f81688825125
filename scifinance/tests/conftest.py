"""Fixtures of the finance tests: known actors with known rights.

``bank`` (合作银行, its account ``banker``), ``branch`` (its 科技支行, account ``brancher``), ``other_bank`` (account
``stranger``), ``insurer`` (account ``insurer_user``); enterprises ``ent_a`` (科技型中小企业, region R1), ``ent_b`` (R2),
``blacklisted``; staff ``bea`` (bureau), ``fin`` (finance), ``dora`` (district of R1); enterprise account ``alice``.
Pools of the three schemes with 1,000 万 of city money (confirmed) and 1,000 万 of province money recorded apart.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection

from accounts.models import User
from registry.models import Organization, Qualification, Region
from registry.uscc import make_uscc
from scifinance import pools, services
from scifinance.models import PartnerKind, Scheme

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


_HASH: list[str] = []


def _user(username: str, role: str, **extra) -> User:
    """Accounts share one password hash (hashing eight times per test costs seconds on a shared machine)."""
    if not _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password("pw-12345"))
    return User.objects.create(username=username, password=_HASH[0], role=role, **extra)


def _org(name: str, code: str, region: Region, kind: str = "enterprise", **extra) -> Organization:
    return Organization.objects.create(kind=kind, name=name, uscc=make_uscc(f"91371000MA3F{code}"), region=region,
                                       **extra)


@pytest.fixture
def fw(db):
    from registry.models import IndustryChain
    from registry.reference import load_reference

    if not Region.objects.exists():
        load_reference(Region, IndustryChain)
    r1, r2 = list(Region.objects.filter(kind="division").order_by("code")[:2])
    w = SimpleNamespace(r1=r1, r2=r2)
    w.bea, w.fin, w.dora = _user("bea", "bureau"), _user("fin", "finance"), _user("dora", "district", region=r1)
    w.ent_a = _org("甲科技有限公司", "00001", r1)
    w.ent_b = _org("乙材料有限公司", "00002", r2)
    w.blacklisted = _org("丙失信有限公司", "00003", r1)
    w.alice = _user("alice", "enterprise", organization=w.ent_a)
    Qualification.objects.create(organization=w.ent_a, kind="tech_sme", valid_from=dt.date(2023, 1, 1),
                                 valid_to=dt.date(2026, 12, 31))
    Qualification.objects.create(organization=w.ent_b, kind="high_tech_enterprise", valid_from=dt.date(2023, 1, 1),
                                 valid_to=dt.date(2025, 12, 31))
    from registry.models import AnnualFacts

    for org in (w.ent_a, w.ent_b):  # 中小微企业 by 工信部联企业〔2011〕300号 (B 第25条): 60 staff, 3,000 万元 a year
        for year in range(2022, 2027):
            AnnualFacts.objects.create(organization=org, year=year, employees=60, sales_revenue=30_000_000)
    from funding.models import BlacklistEntry

    BlacklistEntry.objects.create(organization=w.blacklisted, reason="fraud", decision="威科字〔2024〕1号",
                                  starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2027, 12, 31))
    kw = {"kind": "service_provider", "provider_type": "finance"}
    w.bank = services.register_partner(w.bea, _org("威海示范银行", "00010", r1, **kw), PartnerKind.BANK)
    w.branch = services.register_partner(w.bea, _org("威海示范银行高区科技支行", "00011", r1, **kw),
                                         PartnerKind.TECH_BRANCH, parent=w.bank)
    w.other_bank = services.register_partner(w.bea, _org("另一家银行", "00012", r2, **kw), PartnerKind.BANK)
    w.insurer = services.register_partner(w.bea, _org("威海示范保险", "00013", r1, **kw), PartnerKind.INSURER)
    w.banker = _user("banker", "provider", organization=w.bank.organization)
    w.brancher = _user("brancher", "provider", organization=w.branch.organization)
    w.stranger = _user("stranger", "provider", organization=w.other_bank.organization)
    w.insurer_user = _user("insurer_user", "provider", organization=w.insurer.organization)
    for scheme in Scheme.values:
        services.file_partner(w.bea, w.bank, scheme, dt.date(2020, 1, 1))
    services.file_partner(w.bea, w.other_bank, Scheme.TRANSFORMATION_LOAN, dt.date(2020, 1, 1))
    w.pools = {}
    for scheme in pools.POOL_SCHEMES:
        pool = pools.create_pool(w.bea, scheme, 2024)
        pools.contribute(w.bea, pool, "city", "10000000", dt.date(2024, 1, 5), confirm_as=w.fin)
        pools.contribute(w.bea, pool, "province", "10000000", dt.date(2024, 1, 5))
        w.pools[scheme] = pool
    return w


def loan_values(w, **over) -> dict:
    values = {"borrower_uscc": w.ent_a.uscc, "product": "科技成果转化贷款", "contract_no": "HT-001",
              "contract_date": "2024-03-15", "amount": "5000000", "term_months": "12", "rate": "3.45",
              "collateral": "知识产权质押"}
    values.update(over)
    return values


@pytest.fixture(autouse=True)
def _empty_ledger_after_transactional_tests(request):
    """The funding ledger refuses DELETE; a transactional test's flush needs it empty (as in funding's tests)."""
    yield
    if "live_server" in request.fixturenames or "transactional_db" in request.fixturenames:
        from funding.tests.conftest import empty_ledger

        if connection.vendor in ("sqlite", "postgresql"):
            empty_ledger()
