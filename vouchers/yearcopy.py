"""A voucher year opened from the year before (called by funding.setup.copy_year): same kinds, new budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vouchers import services
from vouchers.models import VoucherProgramme


def copy_voucher_programme(user: Any, vp: VoucherProgramme, year: int, city_budget: Any, province_budget: Any,
                           starts_on: dt.date, expires_on: dt.date) -> VoucherProgramme:
    """The kinds (面额, 张数, 类别, 发放对象) of ``vp`` in a new year's programme; vouchers are issued from the
    vouchers pages as every year."""
    from funding.money import FundingError

    try:
        return services.create_programme(
            user, year, city_budget=city_budget, province_budget=province_budget, starts_on=starts_on,
            expires_on=expires_on, yearly_cap=vp.yearly_cap, publicity_days=vp.funding_programme.publicity_days,
            kinds=[{"kind": k.kind, "categories": list(k.categories), "face_amount": k.face_amount,
                    "share": k.share, "per_enterprise": k.per_enterprise, "qualification": k.qualification}
                   for k in vp.kinds.all()])
    except services.VoucherError as exc:
        raise FundingError(f"创新券：{exc}", getattr(exc, "field", "")) from None
