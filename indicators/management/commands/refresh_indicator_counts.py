"""Recount every indicator figure kept from the registry (indicators/counts.py): repair, or after loading registry rows
past the application (SQL, a bulk load), whose changes no signal noted."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "重新统计指标监测中“登记数据计算”的全部数值（各指标、年度、范围），并记录统计时间。"

    def handle(self, *args, **options) -> None:
        from huey.contrib.djhuey import HUEY
        from huey.exceptions import TaskLockedException

        from indicators import counts, tasks

        try:
            with HUEY.lock_task(tasks.LOCK):  # the worker's job and this never write the table at once
                summary = counts.refresh()
        except TaskLockedException:
            raise CommandError("后台正在统计登记数据，请稍后再运行本命令。") from None
        self.stdout.write(f"已重新统计 {summary.figures} 项（指标 × 年度 × 范围），用时 {summary.seconds:.1f} 秒；"
                          f"统计时间 {timezone.localtime(summary.finished_at):%Y-%m-%d %H:%M:%S}。")
