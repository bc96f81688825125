"""manage.py policy_coverage: per document, each article with an amount, whether encoded, by what, how many tests;
``--text [--folder DIR]``: the documents' texts sentence by sentence (money sentences encoded, catalogued, unaccounted)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from policy import coverage


class Command(BaseCommand):
    help = "列出各文件中规定金额/比例/上限的条款及其编码和测试情况；--text 逐句核对原文"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--text", action="store_true", help="逐句核对原文：列出各文件写明金额的句子及其编码情况")
        parser.add_argument("--folder", default=None, help="原文目录（默认 POLICY_DIR）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["text"]:
            self._text(coverage.text_report(opts["folder"]), opts["json"])
            return
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
                          f"未编码 {s['not_encoded']}，目标 {s['target']}，现状 {s['context']}")

    def _text(self, report: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for d in report["documents"]:
            name = d["number"] if d["declared"] else f"{d['title']}（未登记的文件）"
            self.stdout.write(f"\n== {d['key']} {name}：读 {d['sentences_read']} 句，找到 {d['found']} 句，"
                              f"已编码 {d['encoded']}，已编目 {d['catalogued']}，未处理 {d['unaccounted']}")
            for s in d["sentences"]:
                if s["state"] == "unaccounted":
                    self.stdout.write(f"  [未处理] {s['ref']} {s['article']} {s['text']}")
        for p in report["problems"]:
            self.stdout.write(f"  [引文有误] {p['document_key']} {p['article']}：“{p['quote']}”{p['problem']}")
        s = report["summary"]
        self.stdout.write(f"\n合计找到 {s['found']} 句：已编码 {s['encoded']}，已编目 {s['catalogued']}，未处理 {s['unaccounted']}")
