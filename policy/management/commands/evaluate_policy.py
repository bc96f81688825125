"""manage.py evaluate_policy: evaluate a registry organisation for a year (or years), or a situation JSON file."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from policy import services


class Command(BaseCommand):
    help = "按政策条款计算一个主体（或一个 JSON 情形）在某年度可享受的奖补及其依据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organization", type=int, help="主体 ID（registry.Organization）")
        parser.add_argument("--year", type=int, help="年度，如 2024")
        parser.add_argument("--to-year", type=int, help="与 --year 一起给出年度区间（含）")
        parser.add_argument("--situation", help="情形 JSON 文件路径")
        parser.add_argument("--period", help="情形的年度，如 2024")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        from registry.models import Organization

        try:
            if opts["situation"]:
                try:
                    with open(opts["situation"], encoding="utf-8") as fh:
                        situation = json.load(fh)
                except (OSError, json.JSONDecodeError) as exc:
                    raise CommandError(f"--situation：无法读取 JSON 文件（{exc}）。") from exc
                results = [services.evaluate_situation(situation, opts["period"] or str(opts["year"] or ""))]
            elif opts["organization"]:
                org = Organization.objects.filter(pk=opts["organization"]).first()
                if org is None:
                    raise CommandError(f"--organization：找不到 ID 为 {opts['organization']} 的主体。")
                if not opts["year"]:
                    raise CommandError("--year：请给出年度，如 --year 2024。")
                years = range(opts["year"], (opts["to_year"] or opts["year"]) + 1)
                results = [services.evaluate_organization(org, y) for y in years]
            else:
                raise CommandError("请给出 --organization ID --year 年度，或 --situation 文件 --period 年度。")
        except services.PolicyInputError as exc:
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
            return
        for r in results:
            self.stdout.write(f"== {r.subject} {r.period} 年度：确定金额 {services.wan(r.total_fixed)}，"
                              f"最高限额合计 {services.wan(r.total_ceiling)}")
            for p in r.results:
                head = f"[{'适用' if p.status == 'applies' else '接近'}] {p.title}（{p.document} {p.article}）"
                amount = ("不超过 " if p.is_ceiling else "") + services.wan(p.amount) if p.status == "applies" else ""
                self.stdout.write(f"  {head} {amount}")
                if p.explanation:
                    self.stdout.write(f"     {p.explanation}")
                if p.missing:
                    self.stdout.write(f"     尚缺：{p.missing}")
                for c in p.caveats:
                    self.stdout.write(f"     注意：{c}")
                if p.interpretations:
                    self.stdout.write(f"     依据解释口径：{'、'.join(p.interpretations)}")
            if not r.results:
                self.stdout.write("  （无适用或接近适用的条款）")
