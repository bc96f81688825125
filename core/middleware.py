"""Request guards that apply to every page and API view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL_MESSAGE = "请求中含有无效字符（空字符 \\0），请删除后重试。"


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
        return True
    if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        ctype = request.META.get("CONTENT_TYPE", "")
        if ctype.startswith("application/json"):
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
            except Exception:  # a malformed body is for the view (and Django) to answer
                return False
    return False


class RejectNulBytesMiddleware:
    """PostgreSQL cannot store NUL characters: refuse them with a Chinese 400 instead of a 500 deep in a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False})
            return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)
