"""Every URL pattern × every role, generated from the URL configuration (issue 12).

The test walks ``get_resolver()`` recursively (pages, API, admin), fills each pattern's kwargs from ``KWARGS`` with
*another party's* objects and, for every role, sends GET and POST. It asserts:

- no answer is a server error (5xx);
- restricted roles (district, enterprise, provider, expert) get 401/403/404/405 or a redirect to a login page for
  a URL that names another party's object, and never see that party's credit code in any answer;
- anonymous users get a login redirect, 401, 403, 404 or 405 everywhere except ``PUBLIC``;
- personal information (issue 25, 个人信息保护法) never appears in full: a payee's bank account only to finance (and
  to the payee's own account), ID and phone numbers to no role; pages, API answers, Excel and PDF exports alike
  (``PERSONAL`` below, and every account of the demo's claims).

A new URL pattern is covered automatically. If its kwarg is not in ``KWARGS`` the test fails and says what to add.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "provider", "district", "expert", "evaluator", "finance", "bureau"]
#: The third-party evaluator (issue 29) reads de-identified evaluations only: restricted everywhere else, and an
#: evaluation the bureau has not opened to evaluators is another party's object.
RESTRICTED = {"enterprise", "provider", "district", "expert", "evaluator"}

#: How to fill a URL kwarg with another party's object. Key: "kwarg" or "route-prefix:kwarg" (the longest matching
#: prefix wins; routes are written as Django shows them, e.g. "api/screening/runs/<pk>/"). Value: f(world) → value.
#: New app? Add one line per new kwarg, e.g. "funding/applications/:pk": lambda w: w.other_application.pk.
KWARGS: dict[str, Callable[[Any], Any]] = {
    "pk": lambda w: w.parties.other_org.pk,
    "screening/runs/:pk": lambda w: w.other_run.pk,
    "api/screening/runs/:pk": lambda w: w.other_run.pk,
    "year": lambda w: 2023,
    "code": lambda w: w.indicator_code,
    "api/registry/regions/:code": lambda w: "371002",
    "reference/:code": lambda w: "lpr_1y",  # reference data is the city's, not a party's: staff read, bureau writes
    "reference/:month": lambda w: "2025-06",
    "api/registry/chains/:code": lambda w: w.parties.other_org.industry_chain.code if w.parties.other_org.industry_chain else "tyres",
    "format": lambda w: "json",
    "admin/:object_id": lambda w: w.parties.other_org.pk,
    "admin/:app_label": lambda w: "registry",
    "admin/:content_type_id": lambda w: w.org_content_type,
    "admin/:id": lambda w: w.parties.users["enterprise"].pk,
    "admin/:url": lambda w: "missing/",
    "import-errors/:token": lambda w: w.error_token,
    "portal/documents/:key": lambda w: "A",
    "experts/reviews/:answer": lambda w: "accept",
    "experts/rounds/:action": lambda w: "solve",
    # Another party's objects in the apps of issues 10, 14–17 (built by OTHER_OBJECTS below).
    "funding/claims/:pk": lambda w: w.other["claim"].pk,
    "funding/claims/:att_id": lambda w: w.other["attachment"].pk,
    "funding/claims/:ms_id": lambda w: w.other["milestone"].pk,
    "funding/claims/:obj_id": lambda w: w.other["objection"].pk,
    "api/funding/claims/:pk": lambda w: w.other["claim"].pk,
    "funding/budget-lines/:pk": lambda w: w.other["budget_line"].pk,
    "vouchers/bookings/:pk": lambda w: w.other["booking"].pk,
    "vouchers/instruments/:pk": lambda w: w.other["hidden_instrument"].pk,
    "api/vouchers/instruments/:pk": lambda w: w.other["hidden_instrument"].pk,
    "api/funding/programmes/:pk": lambda w: w.other["programme"].pk,
    "api/vouchers/bookings/:pk": lambda w: w.other["booking"].pk,
    "vouchers/records/:pk": lambda w: w.other["record"].pk,
    "vouchers/settlements/:pk": lambda w: w.other["settlement"].pk,
    "techmarket/needs/:pk": lambda w: w.other["need"].pk,
    "api/techmarket/needs/:pk": lambda w: w.other["need"].pk,
    "techmarket/achievements/:pk": lambda w: w.other["achievement"].pk,
    "api/techmarket/achievements/:pk": lambda w: w.other["achievement"].pk,
    "techmarket/matches/:pk": lambda w: w.other["match"].pk,
    "api/techmarket/matches/:pk": lambda w: w.other["match"].pk,
    "techmarket/contracts/:pk": lambda w: w.other["contract"].pk,
    "api/techmarket/contracts/:pk": lambda w: w.other["contract"].pk,
    "incubation/carriers/:pk": lambda w: w.other["carrier"].pk,
    "api/incubation/carriers/:pk": lambda w: w.other["carrier"].pk,
    "incubation/stays/:pk": lambda w: w.other["stay"].pk,
    "api/incubation/stays/:pk": lambda w: w.other["stay"].pk,
    "incubation/changes/:pk": lambda w: w.other["change"].pk,
    "experts/reviews/:pk": lambda w: w.other["assignment"].pk,
    "api/experts/assignments/:pk": lambda w: w.other["assignment"].pk,
    "experts/rounds/:pk": lambda w: w.other["round"].pk,
    "api/experts/rounds/:pk": lambda w: w.other["round"].pk,
    "experts/rounds/:item_pk": lambda w: w.other["item"].pk,
    "scifinance/loans/:pk": lambda w: w.other["loan"].pk,
    "api/scifinance/loans/:pk": lambda w: w.other["loan"].pk,
    "api/scifinance/policies/:pk": lambda w: w.other["policy"].pk,
    "evaluation/runs/:pk": lambda w: w.other["evaluation_run"].pk,
    "api/evaluation/runs/:pk": lambda w: w.other["evaluation_run"].pk,
}
#: Kwargs that name another party's object: restricted roles must be refused on such URLs.
OBJECT_KWARGS = {"pk", "object_id", "token"}
#: URL names anonymous users may open.
PUBLIC = {"login", "logout", "screening:calculator", "screening_api:calculator", "api-schema", "api-docs",
          "api-token", "admin:login", "admin:logout", "healthz",
          # the public front door (issue 13): home for anonymous visitors, policy catalogue, documents, registration
          "home", "portal:home", "portal:catalogue", "portal:document", "portal:register",
          # the public 公示 list, its PDF and the objection form on it (issue 10: anyone may object)
          "funding:publicity", "funding:publicity_pdf"}
LOGIN_PREFIXES = ("/login/", "/admin/login/")


@dataclass
class Route:
    route: str  # human form, e.g. "registry/<pk>/facts/<year>/"
    pattern: URLPattern
    kwargs: list[str]
    name: str

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _human(pattern: str) -> str:
    text = pattern.replace("<drf_format_suffix:format>", ".<format>")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)
    return text.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p, prefix + _human(str(p.pattern)), ns)
        else:
            route = prefix + _human(str(p.pattern))
            yield Route(route, p, re.findall(r"<(\w+)>", route), f"{namespace}{p.name}" if p.name else "")


def kwarg_value(route: str, kwarg: str, world: Any) -> Any:
    candidates = [k for k in KWARGS if ":" in k and k.endswith(f":{kwarg}") and route.startswith(k.rsplit(":", 1)[0])]
    key = max(candidates, key=len) if candidates else kwarg
    if key not in KWARGS:
        raise LookupError(
            f"URL “{route}” has the kwarg “{kwarg}” that accounts/tests/test_url_matrix.py does not know. Declare in "
            f"KWARGS how to get another party's object for it, e.g. \"{route.split('<')[0]}:{kwarg}\": lambda w: …"
        )
    return KWARGS[key](world)


def build(r: Route, world: Any) -> str:
    url = "/" + r.route
    for kwarg in r.kwargs:
        url = url.replace(f"<{kwarg}>", str(kwarg_value(r.route, kwarg, world)), 1)
    return url


def test_every_url_kwarg_is_declared():
    """A new URL pattern with an unknown kwarg fails here, with the line to add."""
    unknown = []
    for r in walk():
        for kwarg in r.kwargs:
            try:
                kwarg_value(r.route, kwarg, _NoWorld())
            except LookupError as exc:
                unknown.append(str(exc))
            except AttributeError:
                pass  # declared; the world is only built in the matrix test
    assert not unknown, "\n".join(unknown)


class _NoWorld:
    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


@dataclass
class World:
    parties: Any
    other_run: Any
    indicator_code: str
    org_content_type: int
    error_token: str
    other: dict[str, Any]  # another party's objects, by name (OTHER_OBJECTS)


@pytest.fixture
def world(parties) -> World:
    from django.contrib.contenttypes.models import ContentType

    from indicators.models import Indicator
    from registry.models import Organization, Region
    from screening.models import ScreeningRun

    other_region = parties.other_org.region
    run = ScreeningRun.objects.create(year=2024, scope=ScreeningRun.Scope.REGION, region=other_region,
                                      status=ScreeningRun.Status.DONE, created_by=parties.users["bureau"], total=1)
    assert Region.objects.get(code="Z-GAOQU") != other_region
    indicator = Indicator.objects.order_by("code").first()
    other: dict[str, Any] = {}
    for build_objects in OTHER_OBJECTS:
        other.update(build_objects(parties, other))
    return World(parties, run, indicator.code if indicator else "none",
                 ContentType.objects.get_for_model(Organization).pk, _error_token(parties.users["bureau"]), other)


# --- Another party's objects, one builder per app ------------------------------------------------------------------
# Each builder gets the parties and the objects built so far and returns {name: object}. Everything belongs to
# ``parties.other_org`` (an enterprise in another district, not the enterprise account's) or to a provider / expert
# that is not the provider / expert account. New app? Append a builder and point its KWARGS lines at w.other[name].

def _other_provider_org(parties) -> Any:
    from registry.models import Organization

    mine = parties.users["provider"].organization_id
    return (Organization.objects.filter(kind="service_provider").exclude(pk=mine)
            .exclude(region=parties.users["district"].region_id).order_by("id").first())


def _funding(parties, made: dict) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    from funding.models import Attachment, BudgetLine, Claim, Milestone, Objection, Programme, Project

    year = dt.date.today().year
    programme = Programme.objects.create(name="矩阵测试专项", year=year)
    line = BudgetLine.objects.create(programme=programme, name="市级资金", source=BudgetLine._meta.get_field(
        "source").choices[0][0], amount=Decimal("1000000"))
    claim = Claim.objects.create(programme=programme, organization=parties.other_org, origin="call", title="他方申报",
                                 year=year, entitled_amount=Decimal("100000"), state="submitted",
                                 bank_account="6222000011112222")
    attachment = Attachment.objects.create(claim=claim, label="申报书", filename="a.pdf", content_type="application/pdf",
                                           size=4, sha256="0" * 64, data=b"%PDF")
    project = Project.objects.create(claim=claim, lead="张三", starts_on=dt.date(year, 1, 1),
                                     ends_on=dt.date(year + 1, 12, 31))
    milestone = Milestone.objects.create(project=project, title="中期", due_on=dt.date(year, 6, 30),
                                         amount=Decimal("50000"))
    objection = Objection.objects.create(claim=claim, filed_by="他方", text="异议")
    return {"programme": programme, "budget_line": line, "claim": claim, "attachment": attachment,
            "milestone": milestone, "objection": objection}


def _vouchers(parties, made: dict) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from vouchers.models import Booking, Instrument, Provider, ServiceRecord, SettlementBatch, VoucherProgramme

    provider, _ = Provider.objects.get_or_create(organization=_other_provider_org(parties),
                                                 defaults={"status": "approved"})
    instrument = Instrument.objects.create(provider=provider, name="他方仪器", kind="测试",
                                           region=provider.organization.region, price=Decimal("100"))
    start = timezone.now() + dt.timedelta(days=3)
    booking = Booking.objects.create(instrument=instrument, organization=parties.other_org, starts_at=start,
                                     ends_at=start + dt.timedelta(hours=2))
    record = ServiceRecord.objects.create(provider=provider, organization=parties.other_org, category="testing",
                                          performed_on=dt.date.today(), quantity=Decimal("1"), amount=Decimal("1000"))
    today = dt.date.today()
    programme = VoucherProgramme.objects.create(year=today.year, funding_programme=made["programme"],
                                                city_line=made["budget_line"], starts_on=today,
                                                expires_on=today + dt.timedelta(days=365), yearly_cap=Decimal("100000"))
    settlement = SettlementBatch.objects.create(provider=provider, programme=programme)
    # the public catalogue shows approved providers' active instruments to every account; a withdrawn one is the
    # other party's own
    hidden = Instrument.objects.create(provider=provider, name="他方停用仪器", kind="测试", active=False,
                                       region=provider.organization.region, price=Decimal("100"))
    return {"booking": booking, "record": record, "settlement": settlement, "hidden_instrument": hidden}


def _techmarket(parties, made: dict) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    from techmarket.models import Achievement, ContractParty, Match, TechContract, TechNeed

    other = parties.other_org
    need = TechNeed.objects.create(organization=other, title="他方保密需求", description="保密", kind="chain",
                                   confidential=True)
    achievement = Achievement.objects.create(organization=_other_provider_org(parties), title="他方未发布成果",
                                             abstract="草稿", maturity="lab", transfer_mode="licence")
    match = Match.objects.create(need=need, achievement=achievement)
    contract = TechContract.objects.create(title="他方技术合同", contract_type="tech_development",
                                           signed_on=dt.date.today(), amount=Decimal("500000"),
                                           transaction_amount=Decimal("500000"))
    ContractParty.objects.create(contract=contract, role="buyer", name=other.name, uscc=other.uscc,
                                 organization=other)
    return {"need": need, "achievement": achievement, "match": match, "contract": contract}


def _incubation(parties, made: dict) -> dict[str, Any]:
    import datetime as dt

    from incubation.models import Carrier, Incubatee, RosterChange, Stay

    carrier, _ = Carrier.objects.get_or_create(organization=parties.other_org, defaults={"stage": "incubator"})
    stay = Stay.objects.create(carrier=carrier, incubatee=Incubatee.objects.create(team_name="他方团队", team_leader="李四"),
                               entered_on=dt.date.today() - dt.timedelta(days=30))
    change = RosterChange.objects.create(kind="edit", carrier=carrier, incubatee=stay.incubatee, stay=stay,
                                         entered_on=dt.date(2020, 1, 1), awaiting="staff", why="他方申请")
    return {"carrier": carrier, "stay": stay, "change": change}


def _experts(parties, made: dict) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from experts.models import Assignment, Expert, ReviewItem, ReviewRound
    from registry.models import Person

    person = Person.objects.create(kind="expert", name="他方专家")
    expert = Expert.objects.create(person=person)
    review_round = ReviewRound.objects.create(name="他方评审批次", deadline=timezone.now() + dt.timedelta(days=10))
    item = ReviewItem.objects.create(round=review_round, title="他方申报项目", applicant=parties.other_org)
    assignment = Assignment.objects.create(round=review_round, item=item, expert=expert)
    return {"round": review_round, "item": item, "assignment": assignment}


def _scifinance(parties, made: dict) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    from scifinance.models import InsurancePolicy, Loan, Partner

    bank, _ = Partner.objects.get_or_create(organization=_other_provider_org(parties), defaults={"kind": "bank"})
    loan = Loan.objects.create(lender=bank, borrower=parties.other_org, product="transformation_loan",
                               contract_no="JZ-0001", contract_date=dt.date.today(), amount=Decimal("1000000"),
                               term_months=12, rate=Decimal("3.45"), collateral="credit")
    policy = InsurancePolicy.objects.create(insurer=bank, insured=parties.other_org,
                                            product="chokepoint_rd_insurance", policy_no="BD-0001",
                                            start_on=dt.date.today(), premium=Decimal("10000"),
                                            premium_paid_on=dt.date.today())
    return {"loan": loan, "policy": policy}


def _evaluation(parties, made: dict) -> dict[str, Any]:
    """The bureau's evaluation, computed on the demo city and not opened to third-party evaluators."""
    from evaluation.models import EvaluationRun
    from evaluation.services import execute_run

    run = EvaluationRun.objects.create(provision_id="B.09.rd_growth_subsidy", outcome="rd_expense", year_from=2023,
                                       year_to=2024, created_by=parties.users["bureau"])
    return {"evaluation_run": execute_run(run.pk)}



#: Personal information the other party's objects carry (``_personal_data``): kind → the full value.
PERSONAL = {"bank": "6217000099990001", "objector_phone": "13800001111", "provider_phone": "13900002222",
            "id_number": "371000198001011234"}
#: Every payee account of the demo's claims (funding.demo: 62220000 + the organisation's id) and its talent IDs.
DEMO_ACCOUNT = re.compile(rb"62220000\d{8}")
DEMO_TALENT_ID = re.compile(rb"DEMO\d{6}")


def _personal_data(parties, made: dict) -> dict[str, Any]:
    """The other party's claim waits for payment with an account, its ledger commitment carries it; an objector's
    phone, a provider's contact phone and a talent's ID number are stored too."""
    from decimal import Decimal

    from funding.models import Claim, LedgerEntry

    claim = made["claim"]
    Claim.objects.filter(pk=claim.pk).update(state="approved", budget_line=made["budget_line"])
    claim.refresh_from_db()
    claim.bank_account = PERSONAL["bank"]
    claim.save(update_fields=["bank_account"])
    LedgerEntry.objects.create(kind="commitment", budget_line=made["budget_line"], organization=parties.other_org,
                               claim=claim, amount=Decimal("100000"), committed_delta=Decimal("100000"),
                               paid_delta=Decimal(0), decision="矩阵测试决定", document="测试", article="第1条",
                               year=claim.year, idempotency_key=f"matrix-commit:{claim.pk}",
                               bank_account=PERSONAL["bank"])
    made["objection"].contact = PERSONAL["objector_phone"]
    made["objection"].save(update_fields=["contact"])
    provider = made["booking"].instrument.provider
    provider.contact = f"王五 {PERSONAL['provider_phone']}"
    provider.save(update_fields=["contact"])
    made["loan"].talent_name, made["loan"].talent_id = "张三", PERSONAL["id_number"]
    made["loan"].save(update_fields=["talent_name", "talent_id", "talent_key"])
    return {}


def readable(response) -> bytes:
    """What a reader of the answer sees: the text of an Excel sheet or a PDF, the bytes of anything else."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        return _document_text(body, response.get("Content-Type", ""))
    except Exception:  # not a readable document (a test attachment of four bytes): its bytes as they are
        return body


def _document_text(body: bytes, kind: str) -> bytes:
    if "spreadsheetml" in kind:
        import io

        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None).encode()
    if "pdf" in kind:
        import io

        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages).encode()
    return body


def personal_leaks(role: str, body: bytes, own_org_id: int | None) -> list[str]:
    """The personal information in ``body`` that ``role`` must not see in full."""
    leaks = [kind for kind, value in PERSONAL.items()
             if value.encode() in body and not (kind == "bank" and role == "finance")]
    if role != "finance":
        own = f"62220000{own_org_id:08d}".encode() if own_org_id else b""
        leaks += [f"demo account {m.decode()}" for m in DEMO_ACCOUNT.findall(body) if m != own]
    leaks += [f"demo ID {m.decode()}" for m in DEMO_TALENT_ID.findall(body)]
    return leaks


OTHER_OBJECTS: list[Callable[[Any, dict[str, Any]], dict[str, Any]]] = [
    _funding, _vouchers, _techmarket, _incubation, _experts, _scifinance, _evaluation, _personal_data,
]


def _error_token(user) -> str:
    """Another party's (the bureau's) full import error list."""
    from types import SimpleNamespace

    from core.imports import compact
    from registry.excel import RowError

    result = compact(SimpleNamespace(errors=[RowError("主体", i, "名称", "x") for i in range(201)]), user)
    return result.errors_url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def quiet_queue():
    """Jobs a POST starts run at once, on the policy engine (no queue file)."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def _denied(status: int, location: str) -> bool:
    return status in (401, 403, 404, 405) or (status == 302 and location.startswith(LOGIN_PREFIXES))


@pytest.mark.postgres_half
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, quiet_queue, role):
    """Issue 12: every page, API view, export and admin URL, for every role, with another party's ids (one test per
    role, so that the test runner's workers share the roles)."""
    routes = list(walk())
    secrets = [world.parties.other_org.uscc]
    failures: list[str] = []
    cells = 0
    seen_full_by_finance: set[str] = set()
    client = Client(raise_request_exception=False)
    user = world.parties.users.get(role)
    for r in routes:
        url = build(r, world)
        assert resolve(url.split("?")[0]).func == r.pattern.callback, f"{url} does not resolve to {r.route}"
        methods = ["get"] if r.is_admin else ["get", "post"]
        for method in methods:
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url)
            cells += 1
            status, location = response.status_code, response.get("Location", "")
            where = f"{role:10} {method.upper():4} {url} → {status}"
            if status >= 500:
                failures.append(f"{where}: server error")
                continue
            body = readable(response)
            own = getattr(user, "organization_id", None) if role == "enterprise" else None
            if leaks := personal_leaks(role, body, own):
                failures.append(f"{where}: shows personal information in full: {', '.join(sorted(set(leaks)))}")
            if role == "finance" and PERSONAL["bank"].encode() in body:
                seen_full_by_finance.add(r.route)
            if role == "anonymous":
                if r.name not in PUBLIC and not _denied(status, location):
                    failures.append(f"{where}: anonymous must be sent to login (or get 401/403/404)")
                continue
            if role in RESTRICTED:
                names_other = any(k in OBJECT_KWARGS for k in r.kwargs)
                if names_other and not (_denied(status, location) or (status == 302 and r.is_admin)):
                    failures.append(f"{where}: another party's object must answer 403/404")
                if any(s.encode() in body for s in secrets):
                    failures.append(f"{where}: shows another party's credit code")
    print(f"access matrix for {role}: {len(routes)} URL patterns (requests: {cells}), failures: {len(failures)}; "
          f"finance sees the payee's account in full on: {', '.join(sorted(seen_full_by_finance))}")
    if role == "finance":  # finance, who pays, does get the account: on the payment list, the payment batch, the claim
        assert {"funding/payments/", "funding/payments/batch.xlsx"} <= seen_full_by_finance, seen_full_by_finance
    assert not failures, "\n".join(failures)
