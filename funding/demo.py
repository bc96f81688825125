"""Demo data, built relative to today: last year's programme (the year whose facts are complete) with a confirmed
budget, claims in every state, paid ledger entries, a call with applications, a blacklist entry and a finance
account; and this year's programme, open with its budget confirmed. The demo enterprise has a claim to confirm and one
at its district's 初审, which the demo district account (its zone) can pass; one claim's 公示 has ended today.
Deterministic for a given day and idempotent (skips when last year's programme exists).

Entitlements come from the real policy engine for the demo city's organisations; budget figures are invented for the
demo (示范数据). Applicant steps are written directly (the demo has no account per organisation); every staff step
runs through ``services.perform``, so the ledger holds real commitments and payments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from funding import services
from funding.models import Attachment, BlacklistEntry, Call, Challenge, Claim, ClaimEvent, Programme
from registry.models import Organization

NAME = "科技创新发展专项资金"
PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# final state of each demo claim, in order (repeated states make the lists and the ledger look alive)
PLAN = ["paid", "paid", "paid", "paid", "paid", "approved", "approved", "publicity", "publicity", "decision",
        "review", "formal_check", "district_check", "district_check", "returned", "withdrawn", "rejected", "draft",
        "awaiting_confirmation", "awaiting_confirmation"]
#: what the demo enterprise's own claims become, in order: its work (确认) and its district's (初审) stay open
FIRST_PLAN = ["awaiting_confirmation", "district_check", "paid"]


def _demo_users():
    from accounts.models import Role, User
    from registry.demo import DEMO_PASSWORD

    fin, _ = User.objects.get_or_create(username="finance")
    fin.first_name, fin.role = "市财政局演示账户", Role.FINANCE
    fin.set_password(DEMO_PASSWORD)
    fin.save()
    return User.objects.get(username="bureau"), fin


def _entitlements(limit: int, year: int) -> list[tuple[Organization, object]]:
    """(organisation, engine result) pairs that apply in ``year``, one per organisation, the demo account's first."""
    from accounts.models import User
    from policy import services as engine

    first = User.objects.filter(username="enterprise").values_list("organization_id", flat=True).first()
    ids = list(Organization.objects.filter(kind="enterprise").order_by("id").values_list("id", flat=True)[:600])
    if first in ids:
        ids.remove(first)
    ids = ([first] if first else []) + ids
    orgs = Organization.objects.in_bulk(ids)
    out = []
    for org_id, results in engine.evaluate_many(ids, year):
        applying = [r for r in results if r.status == "applies" and Decimal(r.amount or 0) > 0]
        for r in applying[: (3 if org_id == first else 1)]:
            out.append((orgs[org_id], r))
    out.sort(key=lambda p: (p[0].pk != first, p[0].pk))
    return out[:limit]


def _first_entitlements(years: list[int]) -> tuple[int | None, list[tuple[Organization, object]]]:
    """The demo enterprise's entitlements of the first of ``years`` in which it has any (a firm is not rewarded every
    year), so that its account always has a claim of its own to confirm."""
    from accounts.models import User
    from policy import services as engine

    user = User.objects.filter(username="enterprise").select_related("organization").first()
    if user is None or user.organization is None:
        return None, []
    for year in years:
        for _, results in engine.evaluate_many([user.organization_id], year):
            applying = [(user.organization, r) for r in results
                        if r.status == "applies" and Decimal(r.amount or 0) > 0]
            if applying:
                return year, applying[: len(FIRST_PLAN)]
    return None, []


def _submitted(claim: Claim) -> None:
    Attachment.objects.create(claim=claim, label="证明材料", filename="证明材料.pdf", content_type="application/pdf",
                              size=len(PDF), sha256=hashlib.sha256(PDF + str(claim.pk).encode()).hexdigest(), data=PDF)
    claim.state = services.workflow.next_step(claim.programme.workflow, None, claim.is_ceiling)
    claim.save(update_fields=["state"])
    ClaimEvent.objects.create(claim=claim, transition="submit", from_state="draft", to_state=claim.state,
                              reason="（示范数据）")


def _plan(pairs: list[tuple[Organization, object]], first_id: int | None,
          district_region: int | None) -> list[tuple[Organization, object, str]]:
    """Each pair with the state its claim ends in: the demo enterprise's by FIRST_PLAN, the others by PLAN, the claims
    at 区市初审 taken from the demo district's own zone where it has any (so the district account has them to do)."""
    firsts = [p for p in pairs if p[0].pk == first_id]
    others = [p for p in pairs if p[0].pk != first_id]
    planned = [(o, r, t) for (o, r), t in zip(firsts, FIRST_PLAN, strict=False)]
    for target in PLAN:
        if not others:
            break
        local = [p for p in others if p[0].region_id == district_region] if target == "district_check" else []
        org, r = (local or others)[0]
        others.remove((org, r))
        planned.append((org, r, target))
    return planned


def _drive(claim: Claim, target: str, bureau, fin) -> None:
    order = ["district_check", "formal_check", "review", "decision", "publicity", "approved", "paid"]
    if target in ("draft", "awaiting_confirmation"):
        return
    _submitted(claim)
    if target in ("returned", "withdrawn", "rejected"):
        name = {"returned": "return_to_applicant", "rejected": "reject", "withdrawn": None}[target]
        if name:
            services.perform(bureau, claim.pk, name, "证明材料与登记信息不一致，请核对后重新提交（示范数据）")
        else:
            Claim.objects.filter(pk=claim.pk).update(state="withdrawn")
        return
    steps = {"district_check": "district_pass", "formal_check": "formal_pass", "review": "review_done",
             "decision": "decide", "publicity": "publicity_end", "approved": "pay"}
    while True:
        claim.refresh_from_db()
        if order.index(claim.state) >= order.index(target):
            return
        name = steps[claim.state]
        amount = (claim.entitled_amount * Decimal("0.6")).quantize(Decimal("1")) if claim.is_ceiling else None
        services.perform(fin if name == "pay" else bureau, claim.pk, name, "符合条件（示范数据）"
                         if name == "review_done" else "", amount=amount, scores={"total": 85})
        if name == "decide" and target not in ("publicity",):
            Claim.objects.filter(pk=claim.pk).update(publicity_ends_on=timezone.localdate())


def generate(if_empty: bool = True, today: dt.date | None = None) -> dict[str, int]:
    from accounts.models import User

    today = today or timezone.localdate()
    year = today.year - 1
    if Programme.objects.filter(name=NAME, year=year).exists():
        return {"skipped": 1}
    bureau, fin = _demo_users()
    first_id = User.objects.filter(username="enterprise").values_list("organization_id", flat=True).first()
    pairs = [p for p in _entitlements(len(PLAN) * 3, year) if p[0].pk != first_id]
    first_year, firsts = _first_entitlements([year, today.year, year - 1, year - 2])
    district_region = User.objects.filter(username="district").values_list("region_id", flat=True).first()
    with transaction.atomic():
        programme = services.create_programme(bureau, NAME, year, "威政发〔2023〕5号",
                                              lines=[("企业创新奖补（示范数据）", "city", "30000000"),
                                                     ("区级配套（示范数据）", "district", "8000000"),
                                                     ("省级引导资金（示范数据）", "province", "5000000")],
                                              required_attachments=["证明材料"], publicity_days=5)
        current = services.create_programme(bureau, NAME, today.year, "威政发〔2023〕5号",
                                            lines=[("企业创新奖补（示范数据）", "city", "30000000"),
                                                   ("区级配套（示范数据）", "district", "8000000")],
                                            required_attachments=["证明材料"], publicity_days=5)
        by_year = {year: programme, today.year: current}
        if first_year is not None and first_year not in by_year:  # the demo enterprise's last rewarded year
            by_year[first_year] = services.create_programme(
                bureau, NAME, first_year, "威政发〔2023〕5号", lines=[("企业创新奖补（示范数据）", "city", "10000000")],
                required_attachments=["证明材料"], publicity_days=5)
        for p in by_year.values():
            for line in p.budget_lines.all():
                services.confirm_budget_line(fin, line)
        ended_publicity = False
        planned = [(o, r, t, first_year) for o, r, t in _plan(firsts, first_id, district_region)]
        planned += [(o, r, t, year) for o, r, t in _plan(pairs, first_id, district_region)]
        for org, r, target, claim_year in planned:
            claim = Claim.objects.create(
                programme=by_year[claim_year], organization=org,
                origin="proactive" if target == "awaiting_confirmation" else "redemption",
                provision_id=str(r.provision_id), title=str(r.title)[:200], document=str(r.document or ""),
                article=str(r.article or ""), year=claim_year, is_ceiling=bool(r.is_ceiling),
                entitled_amount=Decimal(r.amount).quantize(Decimal("0.01")), explanation=str(r.explanation or ""),
                state="awaiting_confirmation" if target == "awaiting_confirmation" else "draft",
                bank_name="威海市商业银行", bank_account=f"62220000{org.pk:08d}",
                acceptance_due=today + dt.timedelta(days=180) if target == "paid" and org.pk % 2 else None)
            ClaimEvent.objects.create(claim=claim, transition="create", from_state="", to_state=claim.state,
                                      reason="示范数据")
            _drive(claim, target, bureau, fin)
            if target == "publicity" and not ended_publicity:  # one 公示 ended yesterday: the bureau's to close
                Claim.objects.filter(pk=claim.pk).update(publicity_ends_on=today - dt.timedelta(days=1))
                ended_publicity = True
        now = timezone.now()
        call = Call.objects.create(programme=current, title=f"{today.year} 年度“揭榜挂帅”项目申报指南（示范数据）",
                                   description="面向我市企业征集关键核心技术攻关项目，择优立项（威政发〔2023〕5号 第7条）。",
                                   opens_at=now - dt.timedelta(days=10), closes_at=now + dt.timedelta(days=30),
                                   max_amount=Decimal(2000000), document="威政发〔2023〕5号", article="第7条")
        for org in Organization.objects.filter(kind="enterprise").order_by("-id")[:3]:
            c = Claim.objects.create(programme=current, call=call, organization=org, origin="call",
                                     title=call.title, document=call.document, article=call.article, year=today.year,
                                     is_ceiling=True, entitled_amount=call.max_amount,
                                     project_title=f"{org.name}关键技术攻关（示范数据）", bank_account=f"62220000{org.pk:08d}")
            _submitted(c)
        leads = list(Organization.objects.filter(kind="enterprise").order_by("id")[10:14])
        for lead, (kind, title, bounty) in zip(leads, [
                ("chokepoint", "高端轴承精密磨削工艺", 2000000), ("chain", "海洋牧场装备智能控制系统", 1500000),
                ("system", "医用高分子材料集成制造平台", 1800000), ("disruptive", "固态电池新型电解质", 2000000)],
                strict=False):
            Challenge.objects.create(
                programme=current, title=f"{title}（示范数据）", kind=kind, lead_enterprise=lead,
                description=f"{lead.name}发榜：攻克{title}关键技术。", bounty=Decimal(bounty),
                deadline=now + dt.timedelta(days=45),
                milestones=[{"title": "关键技术突破", "months": 12, "share": 0.4},
                            {"title": "样机/示范应用并验收", "months": 24, "share": 0.6}])
        listed = Organization.objects.filter(kind="enterprise").order_by("-id")[5]
        BlacklistEntry.objects.create(organization=listed, reason="fraud", decision=f"威科字〔{year}〕示范1号",
                                      starts_on=dt.date(year, 3, 1), ends_on=dt.date(year + 3, 2, 28))
    return {"claims": Claim.objects.filter(programme=programme).count(),
            "ledger_entries": programme.budget_lines.first().entries.count()}


def record_paid_claims(provision_id: str, title: str, document: str, article: str,
                       rows: list[tuple[int, int, Decimal]], event_key: str = "示范：政策成效评估") -> int:
    """Paid claims written in bulk for a demo city in which an evaluation plants a known effect
    (``evaluation.demo.plant``): ``rows`` are ``(organization_id, year, amount)``. Each becomes a 免申即享 claim in
    state 已拨付 with its commitment and payment entries, on a demo programme of that year with a confirmed budget
    line that holds exactly what is paid. Bulk inserts, because a benchmark city pays tens of thousands; the ledger
    stays append-only (only inserts) and the running sums (the budget line's, each organisation's) are written
    with it."""
    from funding.models import BudgetLine, LedgerEntry, LineTotals
    from funding.services import add_to_org_totals

    if not rows:
        return 0
    now = timezone.now()
    written = 0
    by_year: dict[int, list[tuple[int, int, Decimal]]] = {}
    for r in rows:
        by_year.setdefault(int(r[1]), []).append(r)
    with transaction.atomic():
        for year, items in sorted(by_year.items()):
            programme, _ = Programme.objects.get_or_create(
                name=f"{NAME}（示范：政策成效评估）", year=year, defaults={"kind": "entitlement"})
            total = sum((Decimal(a) for _, _, a in items), Decimal(0))
            line = BudgetLine.objects.create(programme=programme, name=f"{title}（示范）", source="city",
                                             amount=total, confirmed_at=now)
            claims = Claim.objects.bulk_create([
                Claim(programme=programme, organization_id=o, origin=Claim.Origin.PROACTIVE, provision_id=provision_id,
                      title=title, document=document, article=article, year=year, event_key=event_key,
                      entitled_amount=a, decided_amount=a, budget_line=line, state="paid",
                      explanation="示范数据：为检验政策成效评估而生成的兑现记录。")
                for o, _, a in items], batch_size=5000)
            if not claims or claims[0].pk is None:  # backends that do not return ids
                ids = dict(Claim.objects.filter(programme=programme, provision_id=provision_id, event_key=event_key)
                           .values_list("organization_id", "pk"))
                for c in claims:
                    c.pk = ids[c.organization_id]
            entries = []
            for c in claims:
                common = dict(budget_line=line, organization_id=c.organization_id, claim_id=c.pk, amount=c.decided_amount,
                              decision=f"市科技局决定（示范申报 #{c.pk}）", document=document, article=article,
                              provision_id=provision_id, year=year, memo=title[:200])
                entries.append(LedgerEntry(kind=LedgerEntry.Kind.COMMITMENT, committed_delta=c.decided_amount,
                                           paid_delta=Decimal(0), idempotency_key=f"commit:{c.pk}", **common))
                entries.append(LedgerEntry(kind=LedgerEntry.Kind.PAYMENT, committed_delta=Decimal(0) - c.decided_amount,
                                           paid_delta=c.decided_amount, idempotency_key=f"pay:{c.pk}", **common))
            LedgerEntry.objects.bulk_create(entries, batch_size=5000)
            LineTotals.objects.create(budget_line=line, committed=Decimal(0), paid=total)
            by_org: dict[int, Decimal] = {}
            for c in claims:
                by_org[c.organization_id] = by_org.get(c.organization_id, Decimal(0)) + c.decided_amount
            add_to_org_totals([(o, year, Decimal(0), paid) for o, paid in by_org.items()])
            written += len(claims)
    return written
