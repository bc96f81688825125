"""Fixtures of the funding tests: known actors with known rights, a confirmed budget, registry facts the policy
engine rewards.

Actors: ``alice`` (enterprise A in region R1), ``bob`` (enterprise B in region R2), ``dora`` (district staff of R1),
``ed`` (district staff of R2), ``bea`` (bureau), ``fin`` (finance). Both enterprises were first certified as high-tech
enterprises in 2024 and their R&D institution outside the city was rated 优秀 in 2024, so the policy engine
(policy.services, Weihai's rules) grants each of them in 2024: A 第7条 (新认定高新技术企业奖励 20 万元, 应享) and
B 第4条 (市外研发机构服务我市绩效突出, 不超过 50 万元, 择优). ``stop_qualifying`` removes those facts again.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection

from accounts.models import User
from funding import services
from funding.models import LedgerEntry
from registry.models import Organization, Qualification, Recognition, Region
from registry.uscc import make_uscc

A_DOC, B_DOC = "威政发〔2018〕20号", "威政发〔2023〕5号"
FIXED = "A.07.hte_reward"
CEILING = "B.04.new_rd_institution_ceiling"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def give_facts(org: Organization, provision: str = "", year: int = 2024) -> None:
    """Registry facts under which the engine grants ``org`` A 第7条 (FIXED: 20 万元) and B 第4条 (CEILING: ≤ 50 万元)
    in ``year`` (both unless ``provision`` names one)."""
    if provision in ("", FIXED):
        Qualification.objects.create(organization=org, kind="high_tech_enterprise",
                                     certification="first_certification", valid_from=dt.date(year, 5, 1),
                                     valid_to=dt.date(year + 2, 12, 31))
    if provision in ("", CEILING):
        Recognition.objects.create(organization=org, kind="platform_evaluation", subject="offsite_rd_institution",
                                   title="市外研发机构绩效评价", level="city", grade="优秀",
                                   occurred_on=dt.date(year, 3, 1))


def stop_qualifying(org: Organization, provision: str = "") -> None:
    """The registry no longer says so: A 第7条's certification (FIXED) or B 第4条's rating (CEILING), or both."""
    if provision in ("", FIXED):
        Qualification.objects.filter(organization=org, kind="high_tech_enterprise").delete()
    if provision in ("", CEILING):
        Recognition.objects.filter(organization=org, kind="platform_evaluation").delete()


@pytest.fixture(autouse=True)
def _empty_ledger_after_transactional_tests(request):
    """The ledger refuses DELETE/TRUNCATE; a transactional test's flush needs an empty table, so empty it here
    with the protection lifted for this one statement (pgtrigger.ignore / dropping the SQLite triggers)."""
    yield
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if not (marker and marker.kwargs.get("transaction")):
            return
    empty_ledger()


def empty_ledger() -> None:
    """Bank-return lines name ledger entries (and their reversals): they go first."""
    from django.db import transaction

    from funding.migrations import _sqlite_triggers

    with connection.cursor() as cur:
        cur.execute("DELETE FROM funding_bankreturnline")

    if connection.vendor == "postgresql":
        import pgtrigger

        with transaction.atomic(), pgtrigger.ignore("funding.LedgerEntry:ledger_append_only"):
            with connection.cursor() as cur:
                cur.execute("DELETE FROM funding_ledgerentry")
    else:
        with connection.cursor() as cur:
            for sql in _sqlite_triggers.DROP:
                cur.execute(sql)
            cur.execute("DELETE FROM funding_ledgerentry")
            for sql in _sqlite_triggers.CREATE:
                cur.execute(sql)


def _user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-12345", role=role, **extra)
    return user


@pytest.fixture
def world(db):
    from registry.models import IndustryChain
    from registry.reference import load_reference

    if not Region.objects.exists():  # a transactional test before this one flushed the reference data
        load_reference(Region, IndustryChain)
    regions = list(Region.objects.filter(kind="division").order_by("code")[:2])
    r1, r2 = regions
    org_a = Organization.objects.create(kind="enterprise", name="甲科技有限公司", uscc=make_uscc("91371000MA3C00001"),
                                        region=r1)
    org_b = Organization.objects.create(kind="enterprise", name="乙材料有限公司", uscc=make_uscc("91371000MA3C00002"),
                                        region=r2)
    give_facts(org_a)
    give_facts(org_b)
    w = SimpleNamespace(
        r1=r1, r2=r2, org_a=org_a, org_b=org_b,
        alice=_user("alice", "enterprise", organization=org_a),
        bob=_user("bob", "enterprise", organization=org_b),
        dora=_user("dora", "district", region=r1),
        ed=_user("ed", "district", region=r2),
        bea=_user("bea", "bureau"),
        fin=_user("fin", "finance"),
    )
    w.programme = services.create_programme(w.bea, "科技创新发展专项资金", 2024, A_DOC,
                                            lines=[("企业研发奖补", "city", "1000000")],
                                            required_attachments=["证明材料"], publicity_days=0)
    w.line = w.programme.budget_lines.get()
    services.confirm_budget_line(w.fin, w.line)
    return w


def submitted_claim(w, provision=FIXED, user=None, org=None, event_key=""):
    """A claim of ``org`` (default A) filled, evidenced and submitted by its account."""
    user, org = user or w.alice, org or w.org_a
    claim, _ = services.create_claim_from_entitlement(user, org, provision, 2024, event_key)
    services.update_claim(user, claim, {"bank_account": "6222 0000 1111 2222", "bank_name": "威海市商业银行"})
    services.attach(user, claim, "证明材料", "cert.pdf", PDF + event_key.encode())
    return services.perform(user, claim.pk, "submit")


def to_decision(w, claim):
    services.perform(w.dora if claim.organization_id == w.org_a.pk else w.ed, claim.pk, "district_pass")
    services.perform(w.bea, claim.pk, "formal_pass")
    claim.refresh_from_db()
    if claim.state == "review":
        services.perform(w.bea, claim.pk, "review_done", "创新水平较高", scores={"total": 86})
    claim.refresh_from_db()
    return claim


def ledger_rows() -> int:
    return LedgerEntry.objects.count()
