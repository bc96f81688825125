"""OpenAPI post-processing: every operation documents its error answers (issue 12).

Errors of this API are JSON objects with Chinese messages: ``{"detail": "…"}`` or, for invalid fields,
``{"<field>": ["…"]}``. Each operation gets 400 (bad input), 401/403 (not logged in / not allowed), 404 (not found, or
another party's object) and, where they can happen, 405, 409, 429 (rate limit) and 503 (policy engine unavailable).
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误说明（中文）：detail，或 字段名 → 错误列表",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ANSWERS = {
    "400": "输入有误（字段与修改方法见响应体）",
    "401": "未登录或令牌无效",
    "403": "无权进行此操作",
    "404": "不存在，或不属于您可查看的范围",
    "405": "不支持的请求方法",
    "409": "状态不允许（如任务尚未完成）",
    "429": "请求过于频繁，请稍后再试",
    "503": "政策计算引擎暂不可用",
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ApiError", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/ApiError"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ANSWERS.items():
                # Error bodies differ by cause (parser, field validation, permission, the view's own message):
                # one open schema documents them all, replacing narrower per-view declarations.
                described = responses.get(code, {}).get("description") or description
                responses[code] = {"description": described, "content": {"application/json": {"schema": ref}}}
    return result
