"""DRF parsers: every request body of this API is a JSON object."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """Like JSONParser, but a body that is not a JSON object (an array, a number) is a Chinese 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            raise ParseError("请求体不是有效的 JSON，请检查格式。") from exc
        if not isinstance(data, dict):
            raise ParseError("请求体须为 JSON 对象（以 { 开头的键值对），不能是数组或单个值。")
        return data
