"""``manage.py experts_demo [--if-empty] [--experts 300] [--seed 7]``: demo experts and review rounds."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from experts import demo
from experts.models import Expert


class Command(BaseCommand):
    help = "生成科技专家库与评审批次示范数据（需先有创新主体示范数据）"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="专家库已有数据时跳过")
        parser.add_argument("--experts", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **opts):
        if opts["if_empty"] and Expert.objects.exists():
            self.stdout.write("专家库已有数据，跳过。")
            return
        summary = demo.generate(experts=opts["experts"], seed=opts["seed"])
        self.stdout.write(f"已生成专家 {summary['experts']} 位、评审批次 {summary['rounds']} 个、评审意见 {summary['finished_reviews']} 条。")
