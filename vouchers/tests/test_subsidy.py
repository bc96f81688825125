"""Voucher subsidy against hand-computed amounts, cited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from vouchers import subsidy


def test_b30_networked_instrument_sme_province_40_city_20():
    """威政发〔2023〕5号 第30条: fee 12,345.00 元 on a networked instrument, 2024-03-01, a tech SME:
    province 40% = 4,938.00; city 20% = 2,469.00; voucher pays 7,407.00; the user pays 4,938.00."""
    s = subsidy.compute(Decimal("12345"), category="instrument", networked_instrument=True,
                        performed_on=dt.date(2024, 3, 1), small_or_team=True, programme_share=Decimal("0.5"))
    assert (s.province, s.city, s.total, s.user_pays) == (Decimal("4938.00"), Decimal("2469.00"),
                                                          Decimal("7407.00"), Decimal("4938.00"))
    assert s.citation == "威政发〔2023〕5号 第30条"
    assert "40%" in s.explanation and "20%" in s.explanation and "4,938.00" in s.explanation


def test_b30_scaled_to_balance_keeps_proportion():
    """威政发〔2023〕5号 第30条, balance 3,000 元 < 6,000 元 due on 10,000 元: province 2,000, city 1,000."""
    s = subsidy.compute(Decimal("10000"), category="instrument", networked_instrument=True,
                        performed_on=dt.date(2024, 3, 1), small_or_team=True, programme_share=Decimal("0.5"))
    t = subsidy.scale(s, Decimal("3000"))
    assert (t.province, t.city, t.user_pays) == (Decimal("2000.00"), Decimal("1000.00"), Decimal("7000.00"))


def test_a17_testing_service_uses_programme_share():
    """威政发〔2018〕20号 第6条、第17条 (rate left to the voucher programme): testing fee 8,000 元 at 50% =
    4,000 元 city, nothing provincial; the user pays 4,000 元."""
    s = subsidy.compute(Decimal("8000"), category="testing", networked_instrument=False,
                        performed_on=dt.date(2024, 5, 1), small_or_team=True, programme_share=Decimal("0.5"))
    assert (s.province, s.city, s.user_pays) == (Decimal("0.00"), Decimal("4000.00"), Decimal("4000.00"))
    assert s.citation.startswith("威政发〔2018〕20号 第6条、第17条")


def test_a17_instrument_before_b_in_force():
    """Before 2023-07-13 B 第30条 is not in force: an instrument fee of 9,999 元 on 2023-07-12 at 30% =
    2,999.70 元 under 威政发〔2018〕20号 第17条."""
    s = subsidy.compute(Decimal("9999"), category="instrument", networked_instrument=True,
                        performed_on=dt.date(2023, 7, 12), small_or_team=True, programme_share=Decimal("0.3"))
    assert (s.province, s.city) == (Decimal("0.00"), Decimal("2999.70"))
    assert "第17条" in s.citation


def test_b30_needs_small_enterprise_and_network():
    """威政发〔2023〕5号 第30条 names 中小微企业 and maker teams and 入网共享 instruments only."""
    for small, net in ((False, True), (True, False)):
        s = subsidy.compute(Decimal("1000"), category="instrument", networked_instrument=net,
                            performed_on=dt.date(2024, 3, 1), small_or_team=small, programme_share=Decimal("0.5"))
        assert s.citation != "威政发〔2023〕5号 第30条" and s.city == Decimal("500.00")
