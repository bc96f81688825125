"""manage.py finance_demo: partner institutions, pools, loans, claims and policies for the demo city."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from scifinance.demo import generate
from scifinance.models import Partner


class Command(BaseCommand):
    help = "生成示范科技金融数据：合作银行与科技支行、保险机构、风险补偿资金池、贷款与还款、违约、补偿申请与拨付、保单。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loans", type=int, default=3000, help="贷款笔数（默认 3000）")
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--if-empty", action="store_true", help="已有合作机构时跳过")

    def handle(self, *args, **opts) -> None:
        if Partner.objects.exists():
            self.stdout.write("已有科技金融数据，跳过示范数据生成。")
            return
        started = time.perf_counter()
        s = generate(loans=opts["loans"], seed=opts["seed"])
        self.stdout.write(f"科技金融示范数据：合作机构 {s.partners} 家，贷款 {s.loans:,} 笔，还款 {s.repayments:,} 笔，"
                          f"违约 {s.defaults} 笔，风险补偿申请 {s.claims} 笔（已拨付 {s.paid} 笔），保单 {s.policies} 份；"
                          f"用时 {time.perf_counter() - started:.1f} 秒。演示账户（密码 demo12345）：bank、techbranch、"
                          "insurer、finance")
