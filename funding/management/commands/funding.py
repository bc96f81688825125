"""CLI of project and fund management: demo data, balances, overdue acceptance, 免申即享 claims, exports."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from funding import services


class Command(BaseCommand):
    help = "项目与资金管理：demo | balances | overdue [--propose] | proactive --run ID [--ids 1,2] --user NAME | ledger --xlsx F"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        d = sub.add_parser("demo", help="示范专项、预算、各状态申报和台账（已存在则跳过）")
        d.add_argument("--if-empty", action="store_true")
        sub.add_parser("balances", help="各专项、预算科目的预算、已安排、已拨付、可用余额")
        o = sub.add_parser("overdue", help="逾期未验收的项目；--propose 生成待确认的失信名单建议")
        o.add_argument("--propose", action="store_true")
        p = sub.add_parser("proactive", help="由已完成的筛查任务批量生成免申即享事项")
        p.add_argument("--run", type=int, required=True)
        p.add_argument("--ids", default="")
        p.add_argument("--user", default="bureau")
        led = sub.add_parser("ledger", help="导出资金台账 Excel")
        led.add_argument("--xlsx", required=True)

    def handle(self, *args, **opts) -> None:
        action = opts["action"]
        try:
            if action == "demo":
                from funding.demo import generate

                out = generate()
                self.stdout.write("示范资金数据已存在，未重复生成。" if out.get("skipped")
                                  else f"示范资金数据：申报 {out['claims']} 项，台账分录 {out['ledger_entries']} 条。")
            elif action == "balances":
                from funding.models import Programme

                for p in Programme.objects.all():
                    t = services.programme_totals(p)
                    self.stdout.write(f"{p}：预算 {services.money(t.allocated)} 元，已安排 {services.money(t.committed)} 元，"
                                      f"已拨付 {services.money(t.paid)} 元，可用 {services.money(t.available)} 元")
                    for line in p.budget_lines.all():
                        truth, running = services.reconcile(line)
                        if truth != running:
                            self.stdout.write(f"  差异：{line.name} 分录合计 已安排 {services.money(truth.committed)} / "
                                              f"已拨付 {services.money(truth.paid)}，累计数 {services.money(running.committed)}"
                                              f" / {services.money(running.paid)}")
            elif action == "overdue":
                claims = list(services.overdue_for_acceptance())
                for c in claims:
                    self.stdout.write(f"#{c.pk} {c.organization.name} · {c.title}：应于 {c.acceptance_due} 验收")
                self.stdout.write(f"逾期未验收 {len(claims)} 项。")
                if opts["propose"]:
                    made = services.propose_overdue_entries()
                    self.stdout.write(f"已生成待确认的失信名单建议 {len(made)} 条（请在后台确认）。")
            elif action == "proactive":
                from accounts.models import User

                user = User.objects.filter(username=opts["user"]).first()
                ids = [int(x) for x in opts["ids"].split(",") if x.strip()] or None
                created, skipped = services.create_proactive_claims(user, opts["run"], ids)
                self.stdout.write(f"已生成免申即享事项 {created} 项，跳过已存在 {skipped} 项。")
            elif action == "ledger":
                from funding.documents import ledger_xlsx
                from funding.models import LedgerEntry

                entries = LedgerEntry.objects.select_related("budget_line__programme", "organization").order_by("id")
                with open(opts["xlsx"], "wb") as f:
                    f.write(ledger_xlsx(entries))
                self.stdout.write(f"已导出 {entries.count()} 条分录到 {opts['xlsx']}。")
        except services.FundingError as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(f"参数有误：{exc}") from exc
