"""Keep every organisation's results for the years given, computed now in batches (before a programme opens, so
that no enterprise's first visit to 我能享受的政策 waits for the engine); also what the refresh job does."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from screening.services import kept


class Command(BaseCommand):
    help = "为全部登记主体预先测算并保存指定年度的可享受政策（我能享受的政策页面直接读取）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("years", nargs="+", type=int, help="年度，如 2024 2025")
        parser.add_argument("--only-stale", action="store_true", help="只重算已过期的结果，不为新主体建行")

    def handle(self, *args, **opts) -> None:
        start = time.perf_counter()
        added = 0
        if not opts["only_stale"]:
            for year in opts["years"]:
                added += kept.keep(year)
        written = kept.refresh()
        self.stdout.write(f"新建 {added} 行，测算 {written} 行，用时 {time.perf_counter() - start:.1f} 秒。")
