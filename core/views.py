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


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:  # the public front door (portal)
        from portal.views import home as front_door

        return front_door(request)
    return _home(request)


@login_required
def _home(request: HttpRequest) -> HttpResponse:
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


def _chinese(exception: Exception | None) -> str:
    """The exception's message when it is meant for people (Chinese), else ''."""
    text = str(exception or "")
    return text if text and not text.isascii() else ""


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, status: int) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403, or 429 when a rate limit refused the request (django-ratelimit raises a PermissionDenied)."""
    from django_ratelimit.exceptions import Ratelimited

    if isinstance(exception, Ratelimited):
        if _api(request):
            return _json("请求过于频繁，请稍后再试。", 429)
        return render(request, "429.html", status=429)
    if _api(request):
        return _json(_chinese(exception) or "您无权进行此操作。", 403)
    return render(request, "403.html", {"message": _chinese(exception)}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON under /api/, the friendly Chinese page elsewhere."""
    if _api(request):
        return _json(_chinese(exception) or "不存在，或不在您可查看的范围内。", 404)
    return render(request, "404.html", {"message": _chinese(exception)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without any detail: JSON under /api/, a static Chinese page elsewhere (no context: nothing can fail)."""
    if _api(request):
        return _json("服务器内部错误，已记录，请稍后重试。", 500)
    from django.views.defaults import server_error as django_server_error

    return django_server_error(request)


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: the database answers and the job queue is reachable."""
    from django.db import connection
    from django.http import JsonResponse
    from huey.contrib.djhuey import HUEY

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure is "not healthy", with its reason
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        HUEY.pending_count()
        checks["queue"] = "ok"
    except Exception as exc:
        checks["queue"] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)
