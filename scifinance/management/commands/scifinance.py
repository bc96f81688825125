"""manage.py scifinance bulletin|revoke|suspend: the pool jobs a bureau runs by the month and by the year."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from scifinance import pools, services
from scifinance.models import RiskPool


class Command(BaseCommand):
    help = "科技金融：资金池月报（bulletin --month 2024-06）、年末撤销条件未满足的贷款备案（revoke --year 2024）、损失率超过阈值的银行暂停备案（suspend）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["bulletin", "revoke", "suspend"])
        parser.add_argument("--month", help="月报月份，如 2024-06")
        parser.add_argument("--year", type=int, help="撤销备案的年度")

    def handle(self, *args, **opts) -> None:
        if opts["action"] == "bulletin":
            try:
                year, month = (int(x) for x in (opts["month"] or "").split("-"))
                dt.date(year, month, 1)
            except ValueError:
                raise CommandError("--month：请按 2024-06 的格式填写月份。") from None
            for pool in RiskPool.objects.order_by("id"):
                b = pools.monthly_bulletin(pool, year, month)
                self.stdout.write(f"{b['pool']} {b['month']}：新增补偿申请 {b['claims_filed']} 笔（损失 {b['losses_claimed']:,.2f} 元），"
                                  f"拨付 {b['paid']:,.2f} 元，追回 {b['recovered']:,.2f} 元，当前余额 {b['balance']:,.2f} 元")
        elif opts["action"] == "revoke":
            if not opts["year"]:
                raise CommandError("--year：请填写年度，如 2024。")
            n = services.revoke_unmet_filings(None, opts["year"])
            self.stdout.write(f"{opts['year']} 年末撤销条件未满足的贷款备案 {n} 笔。")
        else:
            for pool in RiskPool.objects.order_by("id"):
                for partner in pools.suspend_over_threshold(None, pool):
                    self.stdout.write(f"{pool}：{partner} 损失率超过 {pool.loss_rate_threshold:.0%}，已暂停新增备案。")
