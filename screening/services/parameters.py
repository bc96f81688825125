"""What-if parameters: a person's changed values checked against the engine's bounds, and named."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from policy import services as engine
from screening.services.selection import ScreeningInputError

# --------------------------------------------------------------------------------------------------------------
# What-if parameters


def validate_overrides(overrides: dict[str, Any]) -> dict[str, str]:
    """Check each changed parameter against the engine's list and its domain; returns path → decimal string."""
    if not isinstance(overrides, dict):
        raise ScreeningInputError("参数调整须为“参数路径 → 新值”的对象，例如 {\"a.b\": 100000}。", "overrides")
    if not overrides:
        raise ScreeningInputError("请至少选择一个要调整的参数。", "parameter")
    params = {p["path"]: p for p in engine.tunable_parameters()}
    clean: dict[str, str] = {}
    for path, raw in overrides.items():
        spec = params.get(path)
        if spec is None:
            raise ScreeningInputError(f"未知参数“{path}”：请从参数列表中选择可调整的参数。", "parameter")
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            raise ScreeningInputError(f"参数“{spec['title']}”的新值“{raw}”不是数字，请填写数字。", "value") from None
        if not value.is_finite():
            raise ScreeningInputError(f"参数“{spec['title']}”的新值须为有限数字。", "value")
        low = spec.get("min")
        low = Decimal(str(low)) if low is not None else Decimal(0)  # rates, caps, amounts, thresholds: never < 0
        from screening.parameters import display

        unit = spec.get("unit", "")
        if value < low:
            raise ScreeningInputError(
                f"参数“{spec['title']}”不能小于 {display(low, unit)}（填写的是 {display(value, unit)}），请调整后再试。",
                "value")
        high = spec.get("max")
        if high is not None and value > Decimal(str(high)):
            raise ScreeningInputError(
                f"参数“{spec['title']}”不能大于 {display(high, unit)}（填写的是 {display(value, unit)}），请调整后再试。",
                "value")
        clean[path] = str(value)
    return clean


def overrides_for_engine(overrides: dict[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in overrides.items()}


def describe_overrides(overrides: dict[str, str]) -> list[tuple[str, str]]:
    """(title, new value in its unit: "8%", "30 万元", "25 件") for each changed parameter."""
    from screening.parameters import display

    specs = {p["path"]: p for p in engine.tunable_parameters()}
    out = []
    for path, value in overrides.items():
        spec = specs.get(path)
        out.append((str(spec["title"]), display(value, spec.get("unit", ""))) if spec else ("（已停用的参数）", value))
    return out


def parameter_title(path: str) -> str:
    for p in engine.tunable_parameters():
        if p["path"] == path:
            return str(p["title"])
    return path
