"""Schemathesis over the whole OpenAPI schema (issues 12 and 25), on a bounded budget: every operation, a few
generated requests each, through the WSGI application in-process, as the bureau (sees everything) and as the
accounts an attacker would hold (issue 25): an enterprise, a bank (a lending partner's account) and an incubation
carrier (an enterprise account whose organisation keeps a roster). Checks: no server error, status codes documented
(400/401/403/404/… come from core.schema), content type and response body as documented. Cases and failures per
role are printed at the end (-s)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 6  # as the bureau
ROLE_EXAMPLES = 2  # per operation, each sent as the enterprise, the bank and the carrier
CASES: dict[str, int] = {}  # operation → requests sent (printed at the end with -s)
BY_ROLE: dict[str, list[int]] = {}  # role → [cases, failures]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@contextmanager
def _served(config: SchemathesisConfig | None = None) -> Iterator[Any]:
    """The schema, served by the real WSGI application in this process (inside the test's transaction: like
    Django's test client, requests must not close the database connection when they end)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from kechuang.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):
    with _served() as schema:
        yield schema


@pytest.fixture
def api_schema_roles(db):
    """The same schema for the other roles, without the coverage phase (its boundary values run into the dozens
    per operation whatever max_examples says; the bureau's run has them): the schema's examples and a few
    generated requests per operation."""
    full = os.environ.get("KECHUANG_SCHEMATHESIS_FULL") == "1"  # a thorough run: the coverage phase too
    with _served(SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": full}}})) as schema:
        yield schema


def _account(role: str):
    """A user of ``role`` with the organisation that role acts for."""
    from accounts.models import Role, User
    from registry.models import Organization, Region
    from registry.uscc import make_uscc

    if role == "bureau":
        return User.objects.create_user("st-bureau", password="x", role=Role.BUREAU, is_superuser=True, is_staff=True)
    region = Region.objects.filter(kind="division").order_by("code").first()
    serial = {"enterprise": "1", "bank": "2", "carrier": "3"}[role]
    org = Organization.objects.create(kind="enterprise", name=f"模糊测试{role}单位", region=region,
                                      uscc=make_uscc(f"91371000MA3C0F00{serial}"))
    if role == "bank":
        from scifinance.models import Partner

        Partner.objects.create(organization=org, kind="bank")
        return User.objects.create_user(f"st-{role}", password="x", role=Role.PROVIDER, organization=org)
    if role == "carrier":
        from incubation.models import Carrier

        Carrier.objects.create(organization=org, stage="incubator")
    return User.objects.create_user(f"st-{role}", password="x", role=Role.ENTERPRISE, organization=org)


def _reference_data() -> None:
    from indicators.catalogue import sync
    from indicators.models import Indicator
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    sync(Indicator, Region)


@pytest.fixture
def role_tokens(db) -> dict[str, str]:
    """An enterprise's, a bank's and a carrier's API tokens."""
    from rest_framework.authtoken.models import Token

    _reference_data()
    return {role: Token.objects.create(user=_account(role)).key for role in ("enterprise", "bank", "carrier")}


@pytest.fixture
def token(db) -> str:
    from rest_framework.authtoken.models import Token

    _reference_data()
    return Token.objects.create(user=_account("bureau")).key


schema = schemathesis.pytest.from_fixture("api_schema")
schema_roles = schemathesis.pytest.from_fixture("api_schema_roles")


def _run(case, token: str, role: str) -> None:
    response = case.call(headers={"Authorization": f"Token {token}"})
    key = f"{case.operation.method.upper()} {case.operation.path}"
    CASES[key] = CASES.get(key, 0) + 1
    tally = BY_ROLE.setdefault(role, [0, 0])
    tally[0] += 1
    try:
        case.validate_response(response, checks=CHECKS)
    except BaseException:  # schemathesis' FailureGroup is a BaseExceptionGroup
        tally[1] += 1
        raise


@pytest.mark.postgres_half
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    _run(case, token, "bureau")


@pytest.mark.postgres_half
@schema_roles.parametrize()
@settings(max_examples=ROLE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_as_enterprise_bank_and_carrier(case, role_tokens):
    """Issue 25: each generated request sent as each account an attacker holds; none gets a server error."""
    for role, token in role_tokens.items():
        _run(case, token, role)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if CASES:
        print(f"\nschemathesis: {len(CASES)} operations, {sum(CASES.values())} cases; per role (cases/failures): "
              + ", ".join(f"{r} {c}/{f}" for r, (c, f) in BY_ROLE.items()))
