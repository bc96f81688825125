"""Start a screening or what-if run from the command line (and, with --now, run it in this process).

    python manage.py screening_run --year 2025                      # queue it for the worker
    python manage.py screening_run --year 2025 --region 371002 --now
    python manage.py screening_run --year 2025 --set <parameter path>=200000 --now      # what-if
    python manage.py screening_run --resume                         # re-queue runs whose worker died
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.models import IndustryChain, Region
from screening import services
from screening.models import ScreeningRun


class Command(BaseCommand):
    help = "发起政策筛查或政策测算（what-if）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int)
        parser.add_argument("--region", help="区市编码，如 371002 或 Z-GAOQU")
        parser.add_argument("--chain", help="产业链编码")
        parser.add_argument("--ids", help="主体编号清单，逗号分隔")
        parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="what-if 参数调整")
        parser.add_argument("--now", action="store_true", help="在本进程内立即执行（不经队列）")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        parser.add_argument("--resume", action="store_true", help="重新排队中断的任务及其未完成的批次")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["resume"]:
            ids = services.resume_interrupted()
            ids += [i for i in services.requeue_unfinished() if i not in ids]
            self.stdout.write(f"已重新排队：{ids or '无'}")
            return
        if not o["year"]:
            raise CommandError("请用 --year 指定年度。")
        scope, region, chain, ids = ScreeningRun.Scope.ALL, None, None, []
        if o["region"]:
            scope, region = ScreeningRun.Scope.REGION, Region.objects.filter(code=o["region"]).first()
            if region is None:
                raise CommandError(f"未知区市编码：{o['region']}")
        elif o["chain"]:
            scope, chain = ScreeningRun.Scope.CHAIN, IndustryChain.objects.filter(code=o["chain"]).first()
            if chain is None:
                raise CommandError(f"未知产业链编码：{o['chain']}")
        elif o["ids"]:
            scope, ids = ScreeningRun.Scope.LIST, services.parse_id_list(o["ids"])
        overrides = {}
        for item in o["set"]:
            if "=" not in item:
                raise CommandError(f"--set 须写成 参数=值：{item}")
            key, value = item.split("=", 1)
            overrides[key.strip()] = value.strip()
        kind = ScreeningRun.Kind.WHATIF if overrides else ScreeningRun.Kind.SCREENING
        try:
            run = services.start_run(None, kind=kind, year=o["year"], scope=scope, region=region, industry_chain=chain,
                                     organization_ids=ids, overrides=overrides, enqueue=not o["now"])
        except services.ScreeningInputError as exc:
            raise CommandError(str(exc)) from exc
        if o["now"]:
            run = services.execute_run(run.pk, batch_size=o["batch_size"])
        self.stdout.write(f"{run}：{run.get_status_display()}，{run.processed}/{run.total}" + (f"；{run.error}" if run.error else ""))
