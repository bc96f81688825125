"""Plant a known effect (or a known null) in the demo city, for checking evaluations (示范数据).

    manage.py evaluation_demo --provision B.09.rd_growth_subsidy --effect 0.08 --from 2023 --to 2025
        [--claim-share 0.6] [--seed 11]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from evaluation.demo import plant
from evaluation.provisions import SPECS


class Command(BaseCommand):
    help = "在示范城市中植入已知的补助效果（或已知为零的效果），用于检验政策成效评估。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provision", required=True)
        parser.add_argument("--effect", type=float, default=0.08, help="补助后次年起结果指标的相对增幅，如 0.08；0 为无效果")
        parser.add_argument("--from", dest="year_from", type=int, required=True)
        parser.add_argument("--to", dest="year_to", type=int, required=True)
        parser.add_argument("--claim-share", type=float, default=0.6, help="符合条件的企业中申报的比例")
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args: Any, **o: Any) -> None:
        if o["provision"] not in SPECS:
            raise CommandError("条款：可选 " + "、".join(SPECS))
        if not 0 < o["claim_share"] <= 1:
            raise CommandError("--claim-share 应在 0 到 1 之间。")
        p = plant(o["provision"], o["effect"], range(o["year_from"], o["year_to"] + 1), o["claim_share"], o["seed"])
        self.stdout.write(f"已植入 {p.provision_id}：效果 {p.effect:+.1%}，各年获得补助 {p.paid_by_year}，"
                          f"补助 {p.amount:,.2f} 元，改动年度数据 {p.facts_changed} 条")
