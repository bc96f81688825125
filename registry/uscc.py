"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation category (1), division code (6), organisation code (9),
check character (1). Characters come from a 31-symbol alphabet that leaves out I, O, Z, S and V; the check
character is 31 - (weighted sum mod 31), where 31 becomes 0.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """A Chinese explanation of what is wrong with ``code``, or None when it is valid."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位，请核对营业执照。"
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{''.join(sorted(set(bad)))}”（不使用 I、O、Z、S、V），请核对。"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为“{expected}”，当前为“{code[17]}”，请核对营业执照。"
    return None


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character."""
    return first17 + check_character(first17)
