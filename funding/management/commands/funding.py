"""CLI of project and fund management: demo data, balances, overdue acceptance, 免申即享 claims, exports."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from funding import services


class Command(BaseCommand):
    help = "项目与资金管理：demo | balances | overdue [--propose] | proactive --run ID [--ids 1,2] --user NAME | ledger --xlsx F | check-totals"

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
        pr = sub.add_parser("project", help="项目管理批量办理：taskbook | midterm | accept | grade | list")
        pr.add_argument("op", choices=["taskbook", "midterm", "accept", "grade", "list"])
        pr.add_argument("--claim", type=int, action="append", default=[], help="申报编号，可重复")
        pr.add_argument("--user", default="bureau", help="办理人账户（市科技局）")
        pr.add_argument("--lead", default="")
        pr.add_argument("--start", default="")
        pr.add_argument("--end", default="")
        pr.add_argument("--milestones", default="", help="名称,日期,金额;名称,日期,金额")
        pr.add_argument("--result", default="")
        pr.add_argument("--conclusion", default="通过")
        pr.add_argument("--failed", action="store_true", help="验收不通过")
        pr.add_argument("--grade", default="")
        br = sub.add_parser("bank-return", help="导入银行回单 Excel（付款参考号、结果、金额）并对账")
        br.add_argument("--file", required=True)
        br.add_argument("--user", default="finance", help="财政部门账户")
        sub.add_parser("reconcile", help="台账拨付与银行确认金额对账，列出差额")
        sub.add_parser("open-projects", help="尚未结题的项目（每个项目都须结题）")
        sub.add_parser("check-totals", help="核对预算科目与单位年度的累计数是否等于台账分录合计；有差异时返回非零")
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
                        b = services.line_balance(line)
                        self.stdout.write(f"  {line.name}：预算 {services.money(b.allocated)} 元，已安排 "
                                          f"{services.money(b.committed)} 元，已拨付 {services.money(b.paid)} 元，"
                                          f"可用 {services.money(b.available)} 元")
                self.stdout.write("以上为累计数；与台账分录逐项核对请运行 manage.py funding check-totals。")
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
            elif action == "project":
                self._project(opts)
            elif action == "bank-return":
                from accounts.models import User
                from funding import bank

                user = User.objects.filter(username=opts["user"]).first()
                if user is None:
                    raise CommandError(f"账户 {opts['user']} 不存在，请用 --user 指定财政部门账户。")
                with open(opts["file"], "rb") as f:
                    out = bank.import_return(user, opts["file"].rsplit("/", 1)[-1], f.read())
                self.stdout.write(f"已导入银行回单：成功 {out.paid} 笔，失败/退票 {len(out.reversed)} 笔（已冲销）。")
            elif action == "reconcile":
                from accounts.models import User
                from funding import bank

                rec = bank.reconcile_with_bank(User(role="finance"))
                self.stdout.write(f"台账拨付 {services.money(rec.ledger_paid)} 元，银行确认 {services.money(rec.bank_paid)} 元，"
                                  f"差额 {services.money(rec.gap)} 元；失败/退票 {services.money(rec.bank_failed)} 元。")
                for e in rec.unconfirmed:
                    self.stdout.write(f"  未确认：{e.idempotency_key} {e.organization.name} {services.money(e.amount)} 元")
            elif action == "open-projects":
                from funding.changes import open_projects

                rows = list(open_projects())
                for p in rows:
                    self.stdout.write(f"#{p.claim_id} {p.claim.organization.name} · {p.claim.title}："
                                      f"{p.get_status_display()}，实施期至 {p.ends_on}")
                self.stdout.write(f"未结题项目 {len(rows)} 项。")
            elif action == "check-totals":
                self._check_totals()
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

    def _check_totals(self) -> None:
        """Every running sum against the ledger; a difference is listed and the command exits non-zero."""
        import time

        from funding import totals
        from funding.models import BudgetLine
        from registry.models import Organization

        t = time.perf_counter()
        out = totals.check()
        seconds = time.perf_counter() - t
        shown = out.differences[:100]
        lines = dict(BudgetLine.objects.filter(pk__in=[d.key[0] for d in shown if d.what == "line"])
                     .values_list("pk", "name"))
        orgs = dict(Organization.objects.filter(pk__in=[d.key[0] for d in shown if d.what == "org"])
                    .values_list("pk", "name"))
        m = services.money
        for d in shown:
            who = (f"预算科目「{lines.get(d.key[0], '')}」（#{d.key[0]}）" if d.what == "line"
                   else f"{orgs.get(d.key[0], '')}（单位 #{d.key[0]}）{d.key[1]} 年度")
            self.stdout.write(f"差异：{who} 分录合计 已安排 {m(d.ledger[0])} / 已拨付 {m(d.ledger[1])} 元，"
                              f"累计数 已安排 {m(d.running[0])} / 已拨付 {m(d.running[1])} 元")
        if len(out.differences) > len(shown):
            self.stdout.write(f"……另有 {len(out.differences) - len(shown)} 处差异未列出。")
        summary = (f"核对预算科目 {out.lines:,} 个、单位年度累计数 {out.org_years:,} 个，"
                   f"差异 {len(out.differences):,} 处（用时 {seconds:.1f} 秒）。")
        if out.differences:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _project(self, opts) -> None:
        """Batch project work: every --claim gets the same step; one failure does not stop the others."""
        from accounts.models import User
        from funding import projects
        from funding.models import Claim, Project

        if opts["op"] == "list":
            for p in Project.objects.select_related("claim__organization").order_by("claim_id"):
                verdict = "—" if p.acceptance_passed is None else ("通过" if p.acceptance_passed else "不通过")
                self.stdout.write(f"#{p.claim_id} {p.claim.organization.name} · {p.claim.title}：负责人 {p.lead}，"
                                  f"中期 {p.midterm_conclusion or '—'}，验收 {verdict}，绩效 {p.grade or '—'}")
            return
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"办理人账户 {opts['user']} 不存在，请用 --user 指定市科技局账户。")
        if not opts["claim"]:
            raise CommandError("请用 --claim 指定至少一个申报编号。")
        done = 0
        for claim_id in opts["claim"]:
            claim = Claim.objects.filter(pk=claim_id).first()
            try:
                if claim is None:
                    raise services.FundingError(f"申报 #{claim_id} 不存在。")
                if opts["op"] == "taskbook":
                    plan = projects.parse_milestones(opts["milestones"].replace(";", "\n").replace("；", "\n"))
                    projects.create_task_book(user, claim, opts["lead"],
                                              projects.parse_date(opts["start"], "starts_on", "开始日期"),
                                              projects.parse_date(opts["end"], "ends_on", "结束日期"), plan)
                else:
                    project = getattr(claim, "project", None)
                    if project is None:
                        raise services.FundingError(f"申报 #{claim_id} 尚未签订任务书。")
                    if opts["op"] == "midterm":
                        projects.midterm_check(user, project, opts["result"], opts["conclusion"])
                    elif opts["op"] == "accept":
                        projects.accept_project(user, project, opts["result"], passed=not opts["failed"])
                    else:
                        projects.grade_project(user, project, opts["grade"])
                done += 1
                self.stdout.write(f"#{claim_id}：已办理。")
            except services.FundingError as exc:
                self.stdout.write(f"#{claim_id}：未办理：{exc}")
        self.stdout.write(f"共 {len(opts['claim'])} 项，已办理 {done} 项。")
