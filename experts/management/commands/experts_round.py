"""CLI of review rounds: the same services as the pages and the API.

  manage.py experts_round list
  manage.py experts_round create --name N --deadline 2026-12-31T17:00 --items items.json [--k 5 --min-load 0 --max-load 10]
  manage.py experts_round solve ID            (conflicts, affinity, assignment; prints coverage and load histogram)
  manage.py experts_round publish ID | close ID
  manage.py experts_round scores ID [--json]  (mean, trimmed mean, normalised mean, outliers per item)
  manage.py experts_round remind              (deadline reminders; silent invitations go to reserve experts)
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from experts import services
from experts.matching import CONSTRAINTS, Infeasible
from experts.models import ReviewRound


class Command(BaseCommand):
    help = "评审批次：创建、分配专家、发布、结束、查看得分"

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["list", "create", "solve", "publish", "close", "scores", "remind"])
        parser.add_argument("round_id", nargs="?", type=int)
        parser.add_argument("--name")
        parser.add_argument("--deadline", help="YYYY-MM-DDTHH:MM")
        parser.add_argument("--items", help="JSON 文件：项目列表 [{title, abstract, keywords, disciplines, chain, applicant}]")
        parser.add_argument("--k", type=int, default=5)
        parser.add_argument("--min-load", type=int, default=0)
        parser.add_argument("--max-load", type=int, default=10)
        parser.add_argument("--json", action="store_true")

    def _round(self, pk):
        if pk is None:
            raise CommandError("请给出评审批次编号。")
        r = ReviewRound.objects.filter(pk=pk).first()
        if r is None:
            raise CommandError(f"没有编号为 {pk} 的评审批次。")
        return r

    def handle(self, verb, round_id=None, **o):
        try:
            getattr(self, f"do_{verb}")(round_id, o)
        except Infeasible as exc:
            raise CommandError(f"无法完成分配——不能满足的约束：{CONSTRAINTS.get(exc.constraint, exc.constraint)}。{exc.message}") from exc
        except services.ReviewError as exc:
            raise CommandError(exc.message) from exc

    def do_list(self, _, o):
        for r in ReviewRound.objects.all():
            self.stdout.write(f"{r.pk}\t{r.name}\t{r.get_status_display()}\t项目 {r.items.count()}\t截止 {timezone.localtime(r.deadline):%Y-%m-%d %H:%M}")

    def do_create(self, _, o):
        if not (o["name"] and o["deadline"] and o["items"]):
            raise CommandError("create 需要 --name、--deadline 和 --items。")
        try:
            deadline = timezone.make_aware(dt.datetime.fromisoformat(o["deadline"]))
        except ValueError:
            raise CommandError(f"--deadline “{o['deadline']}”格式不对，应为 YYYY-MM-DDTHH:MM。") from None
        with open(o["items"], encoding="utf-8") as fh:
            items = json.load(fh)
        r = services.create_round(None, name=o["name"], deadline=deadline, items=items, reviewers_per_item=o["k"],
                                  min_load=o["min_load"], max_load=o["max_load"])
        self.stdout.write(f"已创建评审批次 {r.pk}：{r.name}，项目 {r.items.count()} 个。")

    def do_solve(self, pk, o):
        stats = services.solve_round(self._round(pk))
        self.stdout.write(f"已分配 {stats['assignments']} 项次；配齐 {stats['covered']}/{stats['items']} 个项目；"
                          f"回避 {stats['conflicts']} 对；平均匹配度 {stats['mean_affinity']:.3f}"
                          + (f"（逐项贪心 {stats['greedy_mean_affinity']:.3f}）" if stats["greedy_mean_affinity"] is not None else ""))
        self.stdout.write("评审量分布（项数: 专家人数）：" + "，".join(f"{k}: {v}" for k, v in stats["histogram"].items()))

    def do_publish(self, pk, o):
        services.transition(self._round(pk), "publish", None)
        self.stdout.write("已发布。")

    def do_close(self, pk, o):
        services.transition(self._round(pk), "close", None)
        self.stdout.write("已结束。")

    def do_scores(self, pk, o):
        rows = services.aggregated_scores(self._round(pk))
        if o["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        self.stdout.write("项目\t已评/应评\t平均分\t去极值平均分\t标准化平均分\t离群")
        for r in rows:
            self.stdout.write(f"{r['title']}\t{r['reviews']}/{r['expected']}\t{r['mean']}\t{r['trimmed_mean']}\t{r['normalized']}\t{r['outliers']}")

    def do_remind(self, _, o):
        self.stdout.write(f"已发送提醒 {services.send_reminders()} 条；逾期未接受邀请改派 {services.replace_silent()} 项。")
