"""``manage.py incubation demo [--if-empty]`` builds demo rosters; ``manage.py incubation sync`` recomputes the A 第16条
events derived from the rosters and the qualification records (after bulk writes that bypass signals)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from incubation import demo, services
from incubation.models import Stay


class Command(BaseCommand):
    help = "孵化载体：示范名册（demo）与奖励事件重算（sync）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        d = sub.add_parser("demo", help="为示范城市生成孵化载体名册、绩效评价和大赛记录")
        d.add_argument("--if-empty", action="store_true", help="已有在孵记录时什么也不做")
        d.add_argument("--seed", type=int, default=7)
        sub.add_parser("sync", help="按在孵名册和资质记录重算 A 第16条 奖励事件")

    def handle(self, *args, **opts) -> None:
        if opts["action"] == "sync":
            services.ensure_carriers()
            created, deleted = services.sync_upgrade_events()
            self.stdout.write(f"奖励事件：新增 {created} 条，撤销 {deleted} 条。")
            return
        if opts["if_empty"] and Stay.objects.exists():
            self.stdout.write("已有孵化载体名册，跳过示范数据。")
            return
        r = demo.generate(seed=opts["seed"])
        self.stdout.write(f"孵化载体 {r.carriers} 家，在孵记录 {r.stays} 条；孵化载体累计培育高新技术企业：2020 年 "
                          f"{r.cultivated_2020} 家，2025 年 {r.cultivated_2025} 家；A 第16条 奖励事件 {r.events} 条。")
        if r.account:
            self.stdout.write(f"演示账户：{r.account}，密码 demo12345")
