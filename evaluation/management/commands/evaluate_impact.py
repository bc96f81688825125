"""CLI for analysts (the bureau's or a third-party evaluator's): run a policy impact evaluation and write its
findings, PDF and Excel.

    manage.py evaluate_impact --provision B.09.rd_growth_subsidy --from 2023 --to 2025 [--outcome rd_expense]
        [--json] [--pdf F] [--xlsx F] [--queue] [--user NAME]

By default it computes in this process (as the job does); ``--queue`` puts it on the huey queue and returns the
run's number. Output is de-identified like the pages (pseudonyms only).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from evaluation import reports, services
from evaluation.models import EvaluationRun


class Command(BaseCommand):
    help = "政策成效评估：对一条政策条款和年度范围估计补助效果（断点回归、双重差分），输出结论、PDF 和 Excel。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provision", required=True, help="条款编号，如 B.09.rd_growth_subsidy")
        parser.add_argument("--outcome", default="rd_expense", help="结果指标：rd_expense、sales_revenue、"
                            "invention_patents_granted、rd_staff")
        parser.add_argument("--from", dest="year_from", required=True, type=int)
        parser.add_argument("--to", dest="year_to", required=True, type=int)
        parser.add_argument("--json", action="store_true", help="输出 JSON（不含样本）")
        parser.add_argument("--pdf", help="写出 PDF 报告到此文件")
        parser.add_argument("--xlsx", help="写出 Excel（各图数据与去标识样本）到此文件")
        parser.add_argument("--queue", action="store_true", help="放入后台任务队列，只输出评估编号")
        parser.add_argument("--user", help="以此账户的名义发起（默认无账户）")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            provision_id, outcome, year_from, year_to = services.check_request(
                o["provision"], o["outcome"], o["year_from"], o["year_to"])
        except services.EvaluationInputError as exc:
            raise CommandError(str(exc)) from exc
        user = None
        if o.get("user"):
            from accounts.models import User

            user = User.objects.filter(username=o["user"]).first()
            if user is None or not services.can_start(user):
                raise CommandError(f"账户 {o['user']} 不存在或无权发起政策成效评估。")
        run = EvaluationRun.objects.create(provision_id=provision_id, outcome=outcome, year_from=year_from,
                                           year_to=year_to, created_by=user)
        if o["queue"]:
            from evaluation.tasks import enqueue

            enqueue(run.pk)
            self.stdout.write(f"已放入队列：评估 #{run.pk}")
            return
        run = services.execute_run(run.pk)
        if run.status != EvaluationRun.Status.DONE:
            raise CommandError(f"评估 #{run.pk} 未能完成：{run.error}")
        if o["pdf"]:
            Path(o["pdf"]).write_bytes(reports.report_pdf(run))
        if o["xlsx"]:
            Path(o["xlsx"]).write_bytes(reports.report_xlsx(run))
        if o["json"]:
            self.stdout.write(json.dumps(services.summary(run), ensure_ascii=False, cls=DjangoJSONEncoder, indent=1))
            return
        self.stdout.write(reports.title(run))
        for method, finding, comparison in reports.findings(run.result):
            self.stdout.write(f"- {method}\n  {finding}\n  对照组：{comparison}")
        self.stdout.write(f"用时 {run.compute_seconds:.1f} 秒（评估 #{run.pk}）")
