"""Schemathesis over the whole OpenAPI schema (issue 12), on a bounded budget: every operation, a few generated
requests each, as the bureau (sees everything) through the WSGI application in-process. Checks: no server error,
status codes documented (400/401/403/404/… come from core.schema), content type and response body as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 6
CASES: dict[str, int] = {}  # operation → requests sent (printed at the end with -s)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    """The schema, served by the real WSGI application in this process (inside the test's transaction: like
    Django's test client, requests must not close the database connection when they end)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from kechuang.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    from django.core.cache import cache
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from indicators.catalogue import sync
    from indicators.models import Indicator
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    sync(Indicator, Region)
    cache.clear()  # rate-limit counters
    user = User.objects.create_user("st-bureau", password="x", role=Role.BUREAU, is_superuser=True, is_staff=True)
    return Token.objects.create(user=user).key


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    key = f"{case.operation.method.upper()} {case.operation.path}"
    CASES[key] = CASES.get(key, 0) + 1
    case.validate_response(response, checks=CHECKS)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if CASES:
        print(f"\nschemathesis: {len(CASES)} operations, {sum(CASES.values())} cases")
