"""manage.py vouchers_demo: demo providers, instruments, bookings and the current year's voucher programme (idempotent)."""

from django.core.management.base import BaseCommand

from vouchers import demo


class Command(BaseCommand):
    help = "创新券与仪器共享演示数据（以今天为准的本年度计划；本年度计划已存在时跳过）"

    def add_arguments(self, parser):
        parser.add_argument("--instruments", type=int, default=300)
        parser.add_argument("--seed", type=int, default=15)

    def handle(self, *args, **opts):
        out = demo.generate(instruments=opts["instruments"], seed=opts["seed"])
        if not out:
            self.stdout.write(f"{demo.today().year} 年度创新券演示数据已存在，跳过。")
            return
        self.stdout.write(
            f"{out['year']} 年度创新券演示数据：服务机构 {out['providers']} 家，入网仪器 {out['instruments']} 台，预约 {out['bookings']} 条，"
            f"发放创新券 {out['vouchers']} 张，使用 {out['uses']} 笔，已拨付结算批次 {out['settled_batches']} 个。"
            "演示账户 provider、finance（密码 demo12345）。")
