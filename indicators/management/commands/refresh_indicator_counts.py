"""Recount the indicator figures kept from the registry (indicators/counts.py), e.g. after loading data by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "重新统计指标监测中“登记数据计算”的数值（各指标、年度、区市），并记录统计时间。"

    def handle(self, *args, **options) -> None:
        from indicators import counts

        summary = counts.refresh()
        self.stdout.write(f"已重新统计 {summary.figures} 项（指标 × 年度 × 范围），用时 {summary.seconds:.1f} 秒；"
                          f"统计时间 {timezone.localtime(summary.finished_at):%Y-%m-%d %H:%M:%S}。")
