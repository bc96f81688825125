"""The one function that computes a voucher's subsidy for a service, with its citation.

Which share of a fee the voucher pays is the jurisdiction's (``policy.jurisdiction.VoucherRule``): a document may
build the city's share on a higher level's voucher ("在省级创新券补助 40% 的基础上，市级再给予 20%") for some services
and users, with the city's rate a dated parameter of the policy engine (closed when the document is no longer in
force). Every other service is paid at the programme's own share for the voucher kind (set by the bureau per year),
all city money, under the jurisdiction's ``voucher_basis``. The voucher's balance bounds what it pays (``scale``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Subsidy:
    fee: Decimal
    province: Decimal
    city: Decimal
    citation: str
    explanation: str

    @property
    def total(self) -> Decimal:
        return self.province + self.city

    @property
    def user_pays(self) -> Decimal:
        return self.fee - self.total


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def rules() -> tuple[Any, ...]:
    """The current jurisdiction's voucher sharing rules (``VoucherRule``), first that applies wins."""
    from policy.jurisdiction import current

    return current().voucher_rules


def basis() -> Any:
    """The current jurisdiction's ``VoucherBasis``: the citation of payments at the programme's own share."""
    from policy.jurisdiction import current

    return current().voucher_basis


def citations() -> dict[str, str]:
    """Citation → its short tag (funding claims' ids), for every way a voucher is paid."""
    return {basis().citation: basis().tag} | {r.citation: r.tag for r in rules()}


def city_rate(rule: Any, day: dt.date) -> Decimal | None:
    """The city's rate of ``rule`` on ``day`` from the policy engine's parameters, read as the jurisdiction's formulas
    read them; None where its document is not in force (or the jurisdiction reads no parameters)."""
    from policy.jurisdiction import current
    from policy.services import _base_system

    read = current().parameter_at
    if read is None:
        return None
    value = read(_base_system().parameters, np.array([str(day)], dtype="datetime64[D]"), rule.city_rate_parameter)[0]
    return None if np.isnan(value) else Decimal(str(value))


def _rule_for(category: str, networked: bool, small_or_team: bool, day: dt.date) -> tuple[Any, Decimal] | None:
    for rule in rules():
        if (category in rule.categories and (networked or not rule.networked_only)
                and (small_or_team or not rule.small_or_team_only)):
            rate = city_rate(rule, day)
            if rate is not None:
                return rule, rate
    return None


def compute(fee: Decimal, *, category: str, networked_instrument: bool, performed_on: dt.date,
            small_or_team: bool, programme_share: Decimal) -> Subsidy:
    """The voucher's subsidy for a service fee (元) — higher level's and city's shares apart, with the citation."""
    fee = _cents(Decimal(fee))
    found = _rule_for(category, networked_instrument, small_or_team, performed_on)
    if found is not None:
        rule, rate = found
        province, city = _cents(fee * rule.upper_rate), _cents(fee * rate)
        text = (f"{rule.service_label} {fee:,.2f} 元：{rule.upper_label}补助 {pct(rule.upper_rate)} 即 {province:,.2f} 元，"
                f"市级再补助 {pct(rate)} 即 {city:,.2f} 元，合计 {province + city:,.2f} 元（{rule.citation}）。")
        return Subsidy(fee, province, city, rule.citation, text)
    share = Decimal(programme_share)
    city = _cents(fee * share)
    text = (f"服务费 {fee:,.2f} 元，按本年度创新券补助比例 {pct(share)} 补助 {city:,.2f} 元（{basis().citation}；"
            "文件未规定比例，按创新券年度计划）。")
    return Subsidy(fee, Decimal("0.00"), city, basis().citation, text)


def scale(s: Subsidy, limit: Decimal) -> Subsidy:
    """The same subsidy reduced to ``limit`` (the voucher's balance), province and city in their proportion."""
    if limit >= s.total:
        return s
    province = _cents(s.province * limit / s.total) if s.total else Decimal("0.00")
    city = _cents(limit) - province
    text = s.explanation + f" 创新券余额 {limit:,.2f} 元，按余额抵扣（省级 {province:,.2f} 元、市级 {city:,.2f} 元）。"
    return Subsidy(s.fee, province, city, s.citation, text)
