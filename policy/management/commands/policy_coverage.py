"""manage.py policy_coverage: per document, each article with an amount, whether encoded, by what, how many tests."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from policy import coverage


class Command(BaseCommand):
    help = "列出 A、B、D、E 各文件中规定金额/比例/上限的条款及其编码和测试情况"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = coverage.report()
        if opts["json"]:
            self.stdout.write(json.dumps({"rows": rows, "summary": coverage.summary()}, ensure_ascii=False, indent=2))
            return
        current = None
        for r in rows:
            if r["document"] != current:
                current = r["document"]
                self.stdout.write(f"\n== {r['document_key']} {current}")
            encoded = f" → {', '.join(r['variables'])}（测试 {r['tests']} 个）" if r["variables"] else ""
            self.stdout.write(f"  {r['article']:<8} [{r['status_label']}] {r['summary']}{encoded}")
        s = coverage.summary()
        self.stdout.write(f"\n合计 {s['total']} 条：已编码 {s['encoded']}，一事一议 {s['case_by_case']}，"
                          f"未编码 {s['not_encoded']}，目标 {s['target']}")
