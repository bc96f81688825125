"""Request guards that apply to every page and API view."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

BUSY_MESSAGE = "其他用户正在保存数据，数据库暂时繁忙，本次操作没有保存。请稍候片刻后重新提交。"
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


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked": another writer held the lock past the timeout."""
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


class DatabaseBusyMiddleware:
    """A write that still finds the database locked (SQLite, after its 30 s wait) is a clear Chinese 409, not a 500.

    Transactions take SQLite's write lock up front (settings: transaction_mode IMMEDIATE), so concurrent writers
    queue; only one that waited longer than the timeout gets here. Its transaction was rolled back: nothing was saved.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": BUSY_MESSAGE}, status=409, json_dumps_params={"ensure_ascii": False})
        else:
            response = render(request, "core/busy.html", {"message": BUSY_MESSAGE}, status=409)
        response["Retry-After"] = "5"
        return response


class ValidationErrorMiddleware:
    """A model's ValidationError that reaches no form (e.g. core.lengths on save) is a Chinese 400 naming the field,
    not a 500. The API answers {field: [reason]} as DRF's own validation errors do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ValidationError):
            return None
        if hasattr(exception, "error_dict"):
            detail = {field: [str(m) for e in errors for m in e] for field, errors in exception.error_dict.items()}
        else:
            detail = {"detail": [str(m) for m in exception.messages]}
        if request.path.startswith("/api/"):
            return JsonResponse(detail, status=400, json_dumps_params={"ensure_ascii": False})
        message = "；".join(m for messages in detail.values() for m in messages)
        return render(request, "400.html", {"message": message}, status=400)
