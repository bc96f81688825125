"""For other apps' tests: enter every reference month the rules need, so a work list holds only their own items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reference import services


def fill_missing_reference(user: Any) -> None:
    for t in services.tables():
        for month in services.filled(t).missing:
            services.save_value(t, month, Decimal("3.00"), "测试数据", user)
