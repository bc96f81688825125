"""Indicator monitoring from the command line: status, one indicator, record/correct, reports, demo data, sync."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators import catalogue, demo, reports, services
from indicators.models import Indicator
from indicators.services import IndicatorInputError
from registry.models import Region


class Command(BaseCommand):
    help = "规划指标监测：status | show CODE | record CODE YEAR VALUE | report | demo | sync"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("status", help="全部指标的最新值与状态")
        s.add_argument("--year", type=int)
        s = sub.add_parser("show", help="一个指标的年度数据与进度")
        s.add_argument("code")
        s = sub.add_parser("record", help="录入观测值（加 --reason 为更正）")
        for a in ("code", "year", "value"):
            s.add_argument(a)
        s.add_argument("--source", required=True)
        s.add_argument("--region", default="")
        s.add_argument("--reason", default="")
        s = sub.add_parser("report", help="导出年度监测报告")
        s.add_argument("--year", type=int, required=True)
        s.add_argument("--pdf")
        s.add_argument("--xlsx")
        s = sub.add_parser("demo", help="写入示范观测值（虚构）")
        s.add_argument("--if-empty", action="store_true")
        sub.add_parser("sync", help="按本辖区政策包的指标目录更新指标目录")

    def handle(self, *args, action: str, **o) -> None:
        getattr(self, f"do_{action}")(**o)

    def do_status(self, year: int | None = None, **_) -> None:
        for r in services.dashboard(year):
            ind, p, latest = r["indicator"], r["progress"], r["latest"]
            value = f"{latest.value:g}（{latest.year}，{latest.origin_label}）" if latest else "—"
            self.stdout.write(f"{p.status_label:<5} {ind.code:<42} {ind.name}：{value}  目标 {ind.target_year} "
                              f"{ind.target_text}{ind.unit}")

    def do_show(self, code: str, **_) -> None:
        try:
            ind = services.get_indicator(code)
        except IndicatorInputError as e:
            raise CommandError(e.message) from None
        points = services.series(ind)
        self.stdout.write(f"{ind.name}（{ind.unit}）  {ind.citation}")
        for y, p in points.items():
            self.stdout.write(f"  {y}  {p.value:g}  {p.origin_label}")
        self.stdout.write(services.progress(ind, points).rule)

    def do_record(self, code: str, year: str, value: str, source: str, region: str, reason: str, **_) -> None:
        try:
            if reason:
                obs = services.correct_observation(code, year, value, source=source, reason=reason, region=region,
                                                   channel="cli")
            else:
                obs = services.record_observation(code, year, value, source=source, region=region, channel="cli")
        except IndicatorInputError as e:
            raise CommandError(f"【{e.field}】{e.message}") from None
        self.stdout.write(f"已保存：{obs}")

    def do_report(self, year: int, pdf: str | None = None, xlsx: str | None = None, **_) -> None:
        if not pdf and not xlsx:
            raise CommandError("请指定 --pdf 文件名 或 --xlsx 文件名。")
        if pdf:
            Path(pdf).write_bytes(reports.report_pdf(year))
            self.stdout.write(f"PDF：{pdf}")
        if xlsx:
            Path(xlsx).write_bytes(reports.report_xlsx(year))
            self.stdout.write(f"Excel：{xlsx}")

    def do_demo(self, if_empty: bool = False, **_) -> None:
        self.stdout.write(f"示范观测值：写入 {demo.seed(if_empty=if_empty)} 条。")

    def do_sync(self, **_) -> None:
        n = catalogue.sync(Indicator, Region)
        self.stdout.write(f"指标目录：{n} 项。")
