"""Home page: where each kind of user starts."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from indicators.models import Indicator
from registry.models import Organization, Qualification, QualificationKind
from registry.services import visible_organizations


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_entity_account and user.organization_id:
        return redirect("registry:organization_detail", pk=user.organization_id)
    if not user.is_government:
        if _has_policy_catalogue():
            return redirect("policy:catalogue")
        return render(request, "home_other.html")
    today = dt.date.today()
    orgs = visible_organizations(user)
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")))
    quals = dict(
        Qualification.objects.filter(Qualification.in_force(today), organization__in=orgs)
        .values_list("kind")
        .annotate(n=Count("organization", distinct=True))
    )
    platforms = dict(orgs.filter(kind="platform").values_list("level").annotate(n=Count("id")))
    return render(request, "home.html", {
        "today": today,
        "kinds": [(label, by_kind.get(value, 0), value) for value, label in Organization._meta.get_field("kind").choices],
        "qualifications": [(label, quals.get(value, 0), value) for value, label in QualificationKind.choices],
        "platforms": [("国家级", platforms.get("national", 0)), ("省级", platforms.get("provincial", 0)), ("市级", platforms.get("city", 0))],
        "indicator_count": Indicator.objects.count(),
    })


def _has_policy_catalogue() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("policy:catalogue")
    except NoReverseMatch:
        return False
    return True


@login_required
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    """The full error list of one of this user's Excel imports (the page shows the first 200)."""
    from core.imports import error_file

    path = error_file(request.user, token)
    if path is None:
        raise Http404("没有这份错误清单，或它不属于您。")
    return FileResponse(path.open("rb"), as_attachment=True, filename="import-errors.xlsx")
