"""The one function that computes a voucher's subsidy for a service, with its citation.

Two rules:

* 威政发〔2023〕5号 第30条 (B, in force 2023-07-13 to 2028-07-12): for 中小微企业 and 创业（创客）团队 in provincial or
  higher incubators, the fees of **networked** shared instruments (入网共享的科研设施与仪器) get "在省级创新券补助 40%
  的基础上，市级再给予 20% 的资金补助". The city's 20% is read from the policy engine's parameter
  ``b.art_30.instrument_voucher_rate`` (in the jurisdiction package, beside article 30). The province's 40% is the provincial
  voucher the sentence builds on; the engine does not encode it (it is not a city amount), so it is the cited constant
  ``PROVINCE_RATE_B30`` below. The text sets no cap; the voucher's balance bounds what it pays.
* Everything else a voucher covers — 威政发〔2018〕20号 第6条 (普惠券 for 研发服务、仪器共享、技术转移、科技咨询…,
  重点券), 第17条 (instrument, testing and pilot services "按科技创新券政策给予奖补") and 威政办字〔2018〕107号 二（四）3:
  the documents state no rate, so the programme's own share for the voucher kind applies (set by the bureau per year),
  all city money.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

A_DOC, B_DOC, D_DOC = "威政发〔2018〕20号", "威政发〔2023〕5号", "威政办字〔2018〕107号"
B30_CITATION = f"{B_DOC} 第30条"
A17_CITATION = f"{A_DOC} 第6条、第17条；{D_DOC} 二（四）3"
#: 威政发〔2023〕5号 第30条: "在省级创新券补助 40% 的基础上" — the provincial voucher's share.
PROVINCE_RATE_B30 = Decimal("0.40")
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


def b30_city_rate(day: dt.date) -> Decimal | None:
    """The city's rate under B 第30条 on ``day`` from the policy engine's parameters, read as the jurisdiction's formulas
    read them; None where B is not in force (or the jurisdiction has no such parameter)."""
    from policy.jurisdiction import current
    from policy.services import _base_system

    read = current().parameter_at
    if read is None:
        return None
    value = read(_base_system().parameters, np.array([str(day)], dtype="datetime64[D]"),
                 "b.art_30.instrument_voucher_rate")[0]
    return None if np.isnan(value) else Decimal(str(value))


def compute(fee: Decimal, *, category: str, networked_instrument: bool, performed_on: dt.date,
            small_or_team: bool, programme_share: Decimal) -> Subsidy:
    """The voucher's subsidy for a service fee (元) — province and city shares apart, with the citation."""
    fee = _cents(Decimal(fee))
    city_rate = b30_city_rate(performed_on) if category == "instrument" and networked_instrument else None
    if city_rate is not None and small_or_team:
        province, city = _cents(fee * PROVINCE_RATE_B30), _cents(fee * city_rate)
        text = (f"使用入网共享科研仪器的服务费 {fee:,.2f} 元：省级创新券补助 {pct(PROVINCE_RATE_B30)} 即 {province:,.2f} 元，"
                f"市级再补助 {pct(city_rate)} 即 {city:,.2f} 元，合计 {province + city:,.2f} 元（{B30_CITATION}）。")
        return Subsidy(fee, province, city, B30_CITATION, text)
    share = Decimal(programme_share)
    city = _cents(fee * share)
    text = (f"服务费 {fee:,.2f} 元，按本年度创新券补助比例 {pct(share)} 补助 {city:,.2f} 元（{A17_CITATION}；"
            "文件未规定比例，按创新券年度计划）。")
    return Subsidy(fee, Decimal("0.00"), city, A17_CITATION, text)


def scale(s: Subsidy, limit: Decimal) -> Subsidy:
    """The same subsidy reduced to ``limit`` (the voucher's balance), province and city in their proportion."""
    if limit >= s.total:
        return s
    province = _cents(s.province * limit / s.total) if s.total else Decimal("0.00")
    city = _cents(limit) - province
    text = s.explanation + f" 创新券余额 {limit:,.2f} 元，按余额抵扣（省级 {province:,.2f} 元、市级 {city:,.2f} 元）。"
    return Subsidy(s.fee, province, city, s.citation, text)
