"""Views every app stands on: the error pages (403/429, 404, 500 — HTML, or JSON under /api/), the health check, and
the download of an Excel import's full error list (core.imports, used by every app's import).

The home page lives in the portal app (portal.views.start).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render


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
