"""Issue 26 item 1: every form of every app, rendered and posted back unchanged, keeps its dates and numbers.

Generated, not listed: the forms are every Form/ModelForm class reachable from the project apps' views (and forms
modules). Each one with a date, date-time or number field is rendered with an instance (ModelForm) or initial values
(Form) holding a date and numbers; the rendered HTML is read the way a browser submits it (an <input type="date">
whose value is not YYYY-MM-DD is sent empty, as is a type="number" that is not a number); the result is posted back
to the form, and each date and number field must come back as the value it was rendered with.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.utils import timezone

from accounts.models import Role, User
from core.lengths import is_project_app

DATE = forms.DateInput, forms.DateTimeInput
_BROWSER_VALID = {
    "date": re.compile(r"^\d{4,}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
    "number": re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"),
}


def _project_apps() -> list[str]:
    return [a.name for a in apps.get_app_configs() if is_project_app(a)]


def _import_views_and_forms() -> None:
    for app in _project_apps():
        pkg = importlib.import_module(app)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{app}."):
            leaf = info.name.split(".")
            if any(p in ("tests", "migrations", "management") for p in leaf):
                continue
            if any(p.startswith(("views", "forms", "calculator")) for p in leaf[1:]):
                importlib.import_module(info.name)


def _all_forms() -> list[type[forms.BaseForm]]:
    _import_views_and_forms()
    prefixes = tuple(f"{a}." for a in _project_apps())
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith(prefixes):
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _kept_fields(form: forms.BaseForm) -> list[str]:
    """The fields whose values a round trip must keep: dates, date-times and numbers (and text fields drawn as a
    date widget)."""
    out = []
    for name, field in form.fields.items():
        if field.disabled:
            continue
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.IntegerField | forms.DecimalField
                      | forms.FloatField) or isinstance(field.widget, DATE):
            out.append(name)
    return out


def _bounds(field: forms.Field) -> tuple[Any, Any]:
    low = high = None
    for v in field.validators:
        code = getattr(v, "code", "")
        if code == "min_value":
            low = v.limit_value() if callable(v.limit_value) else v.limit_value
        elif code == "max_value":
            high = v.limit_value() if callable(v.limit_value) else v.limit_value
    return low, high


def _sample(field: forms.Field, model_field: Any = None) -> Any:
    """A value the field accepts: a date a month ahead (nothing in the apps is refused for being a month ahead), a
    number inside the field's bounds."""
    if isinstance(field, forms.DateTimeField):
        return timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(days=30)
    if isinstance(field, forms.DateField) or isinstance(field.widget, forms.DateInput):
        day = timezone.localdate() + dt.timedelta(days=30)
        return day if isinstance(field, forms.DateField) else day.isoformat()
    low, high = _bounds(field)
    value = 12 if low is None else max(low, 12)
    if high is not None and value > high:
        value = high if low is None else low
    if isinstance(field, forms.DecimalField):
        places = field.decimal_places or 0
        return (Decimal(value) + (Decimal("0.25") if places >= 2 and (high is None or value + 1 <= high) else 0))
    if isinstance(field, forms.FloatField):
        return float(value)
    return int(value)


class _Submitted(HTMLParser):
    """What a browser sends for the form's fields (successful controls only, values sanitised by type)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._textarea: str | None = None
        self._option: dict[str, Any] | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
                return
            value = a.get("value", "")
            if kind in _BROWSER_VALID and not _BROWSER_VALID[kind].match(value):
                value = ""  # the browser drops a value its widget cannot show
            self._add(a["name"], value)
        elif tag == "select" and a.get("name") and "disabled" not in a:
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and a.get("name") and "disabled" not in a:
            self._textarea = a["name"]
            self._add(a["name"], "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.data[self._textarea][-1] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["text"].strip()
            self._select[2].append((value, self._option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [v for v, s in options if s] or ([] if multiple or not options else [options[0][0]])
            for v in chosen:
                self._add(name, v)
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self.data[self._textarea][-1].startswith("\n"):
                self.data[self._textarea][-1] = self.data[self._textarea][-1][1:]
            self._textarea = None


def submitted(html: str) -> dict[str, list[str]]:
    parser = _Submitted()
    parser.feed(html)
    return parser.data


def _context() -> dict[str, Any]:
    from registry.models import Organization, Region

    user = User.objects.create_user("roundtrip-bureau", password="x-12345678", role=Role.BUREAU)
    region = Region.objects.exclude(kind="city").order_by("code").first()
    org = Organization.objects.create(kind="enterprise", name="往返测试企业", uscc="91371000MA3C0RT01X", region=region,
                                      established_on=dt.date(1999, 3, 3))
    return {"user": user, "actor": user, "organization": org, "entity_account": False}


def _build(form_class: type[forms.BaseForm], ctx: dict[str, Any], **extra: Any) -> forms.BaseForm:
    params = inspect.signature(form_class.__init__).parameters
    kwargs = {k: ctx[k] for k, p in params.items() if k in ctx and p.kind is p.KEYWORD_ONLY}
    return form_class(**kwargs, **extra)


FORMS = None


def _form_ids() -> list[type[forms.BaseForm]]:
    global FORMS
    if FORMS is None:
        FORMS = _all_forms()
    return FORMS


def test_the_walk_finds_the_forms_of_every_app() -> None:
    names = {f"{c.__module__}.{c.__name__}" for c in _form_ids()}
    for expected in ("registry.forms.OrganizationForm", "experts.forms.RoundForm", "incubation.forms.ExitForm",
                     "scifinance.forms.LoanForm", "techmarket.forms.ContractForm", "screening.calculator.CalculatorForm"):
        assert expected in names
    assert len({n.split(".")[0] for n in names}) >= 6


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", _form_ids(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_form_posted_back_unchanged_keeps_dates_and_numbers(form_class: type[forms.BaseForm]) -> None:
    ctx = _context()
    probe = _build(form_class, ctx)
    kept = _kept_fields(probe)
    if not kept:
        pytest.skip("no date or number field")
    extra: dict[str, Any] = {}
    if isinstance(probe, forms.ModelForm):
        model = probe._meta.model
        instance = model.objects.first() or model()
        for name in kept:
            if name in probe._meta.fields and getattr(instance, name, None) in (None, ""):
                setattr(instance, name, _sample(probe.fields[name]))
        extra["instance"] = instance
        extra["initial"] = {n: _sample(probe.fields[n]) for n in kept if n not in probe._meta.fields}
    else:
        extra["initial"] = {n: _sample(probe.fields[n]) for n in kept}
    form = _build(form_class, ctx, **extra)
    html = str(form)
    expected = {n: form.fields[n].clean(form[n].value()) for n in kept}
    for n in kept:
        assert expected[n] not in (None, ""), f"{form_class.__name__}.{n}: the test gave it no value"
    data = submitted(html)
    bound = _build(form_class, ctx, data={k: v if len(v) > 1 else v[0] for k, v in data.items()},
                   **{k: v for k, v in extra.items() if k == "instance"})
    bound.is_valid()
    for n in kept:
        widget_html = str(form[n])
        sent = bound.data.get(n, "")
        assert sent != "", f"{form_class.__name__}.{n} was sent empty: rendered {widget_html}"
        assert not [e for e in bound.errors.as_data().get(n, []) if e.code in ("required", "invalid")], (
            f"{form_class.__name__}.{n}: {bound.errors.get(n)} (rendered {widget_html})")
        assert bound.fields[n].clean(sent) == expected[n], f"{form_class.__name__}.{n}: {sent!r} ≠ {expected[n]!r}"


@pytest.mark.django_db
def test_organization_edit_page_saved_unchanged_keeps_its_founding_date(client) -> None:
    """The page of the report: /registry/<id>/edit/ showed value="1999/03/03" and 保存 erased 成立日期."""
    ctx = _context()
    org = ctx["organization"]
    client.force_login(ctx["user"])
    page = client.get(f"/registry/{org.pk}/edit/").content.decode()
    assert 'value="1999-03-03"' in page
    form_html = page[page.index('name="established_on"') - 400:]
    data = {k: v[0] for k, v in submitted(page).items() if k != "q"}
    assert data["established_on"] == "1999-03-03", form_html[:600]
    response = client.post(f"/registry/{org.pk}/edit/", data)
    assert response.status_code in (200, 302)
    org.refresh_from_db()
    assert org.established_on == dt.date(1999, 3, 3)
