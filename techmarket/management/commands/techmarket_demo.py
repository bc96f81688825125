"""manage.py techmarket_demo [--needs N] [--achievements N] [--seed S]: the demo technology market (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from techmarket.demo import generate


class Command(BaseCommand):
    help = "生成高新技术市场演示数据（已有需求时不重复生成）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--needs", type=int, default=2000)
        parser.add_argument("--achievements", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=16)

    def handle(self, *args, **opts) -> None:
        out = generate(opts["needs"], opts["achievements"], opts["seed"])
        if out.get("skipped"):
            self.stdout.write("高新技术市场已有数据（或登记库为空），未重复生成。")
        else:
            self.stdout.write(f"高新技术市场演示数据：需求 {out['needs']} 项，成果 {out['achievements']} 项，"
                              f"对接 {out['matches']} 项，技术合同 {out['contracts']} 份，活动 {out['events']} 场。")
