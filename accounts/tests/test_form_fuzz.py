"""Hostile values posted to every form of every page, as the role that sees the form (issue 25 item 7).

Generated, not listed: the pages are the URL configuration's routes (the URL matrix's, filled with its objects)
whose view renders a template holding a ``<form method="post">``; each role opens them (anonymous visitors the
public ones), reads each POST form the way a browser submits it, and posts it back once per hostile value — 1e30, inf,
NaN, 2**63, a negative number, the years 0001 and 9999, 10⁶ characters (shared among the fields, as one request
body can carry) and a NUL — put into every text, number, date and free-text field at once. A form seen by several
roles is posted by the first. It checks that no answer is a server error and that nothing hostile was stored: no
date in year 1 or 9999, no number beyond its column, no NaN/inf, no NUL and no text over its limit, in any row of
any project model.
"""

from __future__ import annotations

import inspect
import math
import re
import time
from collections import Counter
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client

from accounts.tests.test_url_matrix import PUBLIC, build, quiet_queue, walk, world  # noqa: F401 (fixtures)
from core.lengths import is_project_app, limits
from core.tests.test_form_roundtrip import submitted

pytestmark = pytest.mark.django_db

HOSTILE = {"1e30": "1e30", "inf": "inf", "NaN": "NaN", "2**63": str(2**63), "negative": "-5",
           "year 0001": "0001-01-01", "year 9999": "9999-12-31", "10⁶ characters": "x" * 1_000_000,
           "NUL": "1\x002"}
ROLES = ["bureau", "finance", "district", "enterprise", "provider", "expert", "anonymous"]
#: Pages that are not forms to fill: downloads, the admin (its own test walks it), logging out.
SKIP_PREFIXES = ("admin/", "api/", "logout/")
SKIP_ACTIONS = ("/logout/", "/admin/", "/i18n/")
FUZZED_TYPES = {"text", "number", "date", "datetime-local", "email", "tel", "search", "url", "month", ""}
#: A guard on the run time (seconds): the walk stops opening new pages past it and says so.
BUDGET_S = 60
_TEMPLATE = re.compile(r"[\"']([\w/.-]+\.html)[\"']")
_INCLUDE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([\w/.-]+\.html)[\"']")
_POST_FORM = re.compile(r"<form[^>]*method=[\"']?post", re.I)


@cache
def _template_has_form(name: str, depth: int = 0) -> bool:
    try:
        source = get_template(name).template.source
    except (TemplateDoesNotExist, AttributeError):
        return False
    if _POST_FORM.search(source):
        return True
    return depth < 2 and any(_template_has_form(n, depth + 1) for n in _INCLUDE.findall(source)
                             if n != "base.html")


def renders_a_form(route: Any) -> bool:
    """Whether the route's view names a template that holds a POST form (its own source, or its module's when it
    hands the rendering to a helper)."""
    view = getattr(route.pattern.callback, "view_class", None) or inspect.unwrap(route.pattern.callback)
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    names = _TEMPLATE.findall(source)
    module = inspect.getmodule(view)
    for called in set(re.findall(r"\b(_?\w+)\(", source)):  # helpers of the same module that render for it
        helper = getattr(module, called, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__ and helper is not view:
            names += _TEMPLATE.findall(inspect.getsource(helper))
    return any(_template_has_form(n) for n in names)


class _Forms(HTMLParser):
    """Each POST form on a page: its action and the names and types of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None
        self._depth = 0
        self._html: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = {"action": a.get("action", ""), "fields": {}, "html": []}
        if self._current is None:
            return
        self._current["html"].append(self.get_starttag_text() or "")
        if tag == "input" and a.get("name"):
            self._current["fields"][a["name"]] = a.get("type", "text").lower()
        elif tag == "textarea" and a.get("name"):
            self._current["fields"][a["name"]] = "textarea"

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["html"].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._current is None:
            return
        self._current["html"].append(f"</{tag}>")
        if tag == "form":
            self._current["html"] = "".join(self._current["html"])
            self.forms.append(self._current)
            self._current = None


def page_forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _hostile_data(form: dict[str, Any], value: str) -> dict[str, list[str]]:
    data = submitted(form["html"])
    names = [n for n, kind in form["fields"].items() if kind in FUZZED_TYPES or kind == "textarea"]
    if len(value) > 1000:  # one request body holds 2.5 MB: the 10⁶ characters shared among the fields
        value = value[: len(value) // max(len(names), 1)]
    for name in names:
        data[name] = [value]
    return data


def _has_nul(qs: Any, column: str) -> Any:
    """Rows whose text holds a NUL (SQLite's LIKE stops at one; PostgreSQL cannot store one at all)."""
    if connection.vendor != "sqlite":
        return qs.none()
    return qs.extra(where=[f'instr("{column}", char(0)) > 0'])


def bad_rows() -> list[str]:
    """Hostile values that reached the database, in any row of any project model."""
    found = []
    for model in apps.get_models():
        if not is_project_app(model._meta.app_config):
            continue
        qs = model._base_manager.all()
        for f in model._meta.concrete_fields:
            name = f.name
            if isinstance(f, models.DateField):
                hits = qs.filter(**{f"{name}__year__in": [1, 9999]})
            elif isinstance(f, models.DecimalField | models.FloatField | models.BigIntegerField):
                top = Decimal(10) ** (f.max_digits - f.decimal_places) if isinstance(f, models.DecimalField) \
                    else Decimal("1e20")  # beyond what the column declares
                hits = qs.filter(**{f"{name}__gte": top}) | qs.filter(**{f"{name}__lte": -top})
            elif isinstance(f, models.CharField | models.TextField) and not getattr(f, "choices", None):
                if f.__class__.__name__ == "EncryptedCharField":
                    continue  # ciphertext; its plaintext is checked below through the model
                hits = _has_nul(qs, f.column)
            else:
                continue
            if hits.exists():
                found.append(f"{model._meta.label}.{name}: {hits.count()} row(s)")
        for attname, _label, limit in limits(model):
            field = model._meta.get_field(attname) if attname in {f.attname for f in model._meta.fields} else None
            if field is not None and field.__class__.__name__ == "EncryptedCharField":
                for obj in qs.only("pk", attname)[:2000]:
                    value = getattr(obj, attname) or ""
                    if "\x00" in value or len(value) > limit:
                        found.append(f"{model._meta.label}.{attname}: row {obj.pk}")
    for model in apps.get_models():  # floats: NaN and inf are not comparable, read them
        if not is_project_app(model._meta.app_config):
            continue
        floats = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FloatField)]
        for name in floats:
            for v in model._base_manager.values_list(name, flat=True)[:5000]:
                if v is not None and not math.isfinite(v):
                    found.append(f"{model._meta.label}.{name}: {v}")
    return found


def test_hostile_values_in_every_form(world, quiet_queue):  # noqa: F811
    started = time.monotonic()
    routes = [r for r in walk() if not r.route.startswith(SKIP_PREFIXES) and not r.route.endswith((".xlsx", ".pdf"))
              and renders_a_form(r)]
    before = set(bad_rows())
    posted: set[tuple[str, frozenset[str]]] = set()
    failures: list[str] = []
    posts = forms_found = 0
    statuses: Counter[int] = Counter()
    skipped_pages = 0
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = world.parties.users.get(role)
        for r in routes:
            if role == "anonymous" and r.name not in PUBLIC:
                continue
            if time.monotonic() - started > BUDGET_S:
                skipped_pages += 1
                continue
            if user is not None:
                client.force_login(user)
            url = build(r, world)
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            for form in page_forms(page.content.decode()):
                action = form["action"] or url
                if action.startswith(SKIP_ACTIONS) or not action.startswith("/"):
                    continue
                key = (action.split("?")[0], frozenset(form["fields"]))
                if key in posted or not any(k in FUZZED_TYPES or k == "textarea" for k in form["fields"].values()):
                    continue
                posted.add(key)
                forms_found += 1
                for label, value in HOSTILE.items():
                    if user is not None:
                        client.force_login(user)
                    response = client.post(action, _hostile_data(form, value))
                    posts += 1
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        failures.append(f"{role:10} POST {action} ({label}, from {url}) → {response.status_code}")
    stored = sorted(set(bad_rows()) - before)
    print(f"\nform fuzz: {len(routes)} pages with forms, {forms_found} forms, {posts} posts, {len(failures)} server errors, "
          f"{len(stored)} hostile values stored, {skipped_pages} page visits past the {BUDGET_S} s budget, "
          f"{time.monotonic() - started:.0f} s; answers {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(failures)
    assert not stored, "\n".join(stored)
