"""manage.py generate_demo: build the deterministic demo Weihai (see registry.demo)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from registry.demo import DEFAULT_ENTERPRISES, DEMO_PASSWORD, LAST_YEAR, generate
from registry.models import Organization


class Command(BaseCommand):
    help = "生成示范威海（确定性随机种子）：企业、高校院所、平台、服务机构、人员和演示账户。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enterprises", type=int, default=DEFAULT_ENTERPRISES, help="企业数量（默认 4000）")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--if-empty", action="store_true", help="登记库已有数据时跳过")
        parser.add_argument("--first-year", type=int, default=2019)
        parser.add_argument("--last-year", type=int, default=LAST_YEAR)
        parser.add_argument("--chunk", type=int, default=20_000)

    def handle(self, *args, **opts) -> None:
        if Organization.objects.exists():
            if opts["if_empty"]:
                self.stdout.write(f"登记库已有数据，跳过示范数据生成。演示账户（密码 {DEMO_PASSWORD}）：bureau、district、enterprise、expert")
                return
            raise CommandError("登记库已有数据；示范数据只能生成到空库中（可加 --if-empty 跳过）。")
        if opts["enterprises"] < 1:
            raise CommandError("--enterprises 必须为正整数。")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  企业 {done:,}/{total:,}")

        summary = generate(
            enterprises=opts["enterprises"], seed=opts["seed"], chunk_size=opts["chunk"],
            fact_years=(opts["first_year"], opts["last_year"]), progress=progress,
        )
        extra = ""
        try:  # indicator observations, when the indicators app provides them
            from indicators.demo import generate_observations

            extra = f"，指标观测值 {generate_observations(seed=opts['seed']):,} 条"
        except ImportError:
            pass
        self.stdout.write(self.style.SUCCESS(
            f"示范威海已生成：企业 {summary.enterprises:,} 家，主体合计 {summary.organizations:,}，"
            f"年度数据 {summary.annual_facts:,} 行，资质 {summary.qualifications:,} 条，事件 {summary.recognitions:,} 条{extra}，"
            f"用时 {summary.seconds:.1f} 秒（{summary.enterprises / max(summary.seconds, 1e-9):,.0f} 家企业/秒）。"
        ))
        for kind, by_year in summary.counts_by_year.items():
            self.stdout.write(f"  {kind} 年末有效数：" + "，".join(f"{y}: {c}" for y, c in by_year.items()))
        self.stdout.write(f"演示账户（密码 {DEMO_PASSWORD}）：")
        for username, desc in summary.accounts.items():
            self.stdout.write(f"  {username:<11} {desc}")
