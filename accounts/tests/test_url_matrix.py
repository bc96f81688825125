"""Every URL pattern × every role, generated from the URL configuration (issue 12).

The test walks ``get_resolver()`` recursively (pages, API, admin), fills each pattern's kwargs from ``KWARGS`` with
*another party's* objects and, for every role, sends GET and POST. It asserts:

- no answer is a server error (5xx);
- restricted roles (district, enterprise, provider, expert) get 401/403/404/405 or a redirect to a login page for
  a URL that names another party's object, and never see that party's credit code in any answer;
- anonymous users get a login redirect, 401, 403, 404 or 405 everywhere except ``PUBLIC``.

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

ROLES = ["anonymous", "enterprise", "provider", "district", "expert", "finance", "bureau"]
RESTRICTED = {"enterprise", "provider", "district", "expert"}

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
    "api/registry/chains/:code": lambda w: w.parties.other_org.industry_chain.code if w.parties.other_org.industry_chain else "tyres",
    "format": lambda w: "json",
    "admin/:object_id": lambda w: w.parties.other_org.pk,
    "admin/:app_label": lambda w: "registry",
    "admin/:content_type_id": lambda w: w.org_content_type,
    "admin/:id": lambda w: w.parties.users["enterprise"].pk,
    "admin/:url": lambda w: "missing/",
    "import-errors/:token": lambda w: w.error_token,
}
#: Kwargs that name another party's object: restricted roles must be refused on such URLs.
OBJECT_KWARGS = {"pk", "object_id", "token"}
#: URL names anonymous users may open.
PUBLIC = {"login", "logout", "screening:calculator", "screening_api:calculator", "api-schema", "api-docs",
          "api-token", "admin:login", "admin:logout", "healthz"}
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
    return World(parties, run, indicator.code if indicator else "none",
                 ContentType.objects.get_for_model(Organization).pk, _error_token(parties.users["bureau"]))


def _error_token(user) -> str:
    """Another party's (the bureau's) full import error list."""
    from types import SimpleNamespace

    from core.imports import compact
    from registry.excel import RowError

    result = compact(SimpleNamespace(errors=[RowError("主体", i, "名称", "x") for i in range(201)]), user)
    return result.errors_url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def quiet_queue():
    """Jobs a POST starts run at once on the stand-in engine (no queue file, no real policy computation)."""
    from huey.contrib.djhuey import HUEY

    from screening import engine
    from screening.tests import stand_in_engine

    previous = HUEY.immediate
    HUEY.immediate = True
    engine.use_backend(stand_in_engine)
    yield
    engine.use_backend(None)
    HUEY.immediate = previous


def _denied(status: int, location: str) -> bool:
    return status in (401, 403, 404, 405) or (status == 302 and location.startswith(LOGIN_PREFIXES))


def test_access_matrix(world, quiet_queue):
    """Issue 12: every page, API view, export and admin URL, for every role, with another party's ids."""
    routes = list(walk())
    secrets = [world.parties.other_org.uscc]
    failures: list[str] = []
    cells = 0
    for role in ROLES:
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
                if role == "anonymous":
                    if r.name not in PUBLIC and not _denied(status, location):
                        failures.append(f"{where}: anonymous must be sent to login (or get 401/403/404)")
                    continue
                if role in RESTRICTED:
                    names_other = any(k in OBJECT_KWARGS for k in r.kwargs)
                    if names_other and not (_denied(status, location) or (status == 302 and r.is_admin)):
                        failures.append(f"{where}: another party's object must answer 403/404")
                    body = b"" if response.streaming else response.content
                    if any(s.encode() in body for s in secrets):
                        failures.append(f"{where}: shows another party's credit code")
    print(f"access matrix: {len(routes)} URL patterns × {len(ROLES)} roles = {len(routes) * len(ROLES)} "
          f"(requests: {cells}), failures: {len(failures)}")
    assert not failures, "\n".join(failures)
