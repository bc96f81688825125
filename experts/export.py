"""Excel export of a review round (bureau staff only: it names the reviewers)."""

from __future__ import annotations

from openpyxl import Workbook

from core import xlsx
from core.xlsx import append_row
from experts import services
from experts.models import ReviewRound


def _sheet(wb: Workbook, title: str, headers: list[str], rows) -> None:
    ws = wb.create_sheet(title)
    xlsx.header(ws, headers, 18)
    for r in rows:
        append_row(ws, r)


def round_workbook(rnd: ReviewRound) -> bytes:
    wb = xlsx.workbook()
    scores = services.aggregate(rnd)
    _sheet(wb, "项目得分", ["项目编号", "项目名称", "申报单位", "应评人数", "已评人数", "平均分", "去极值平均分",
                         "标准化平均分", "离群评分数"],
           [[s.item.pk, s.item.title, s.item.applicant_label, s.expected, s.n, s.mean, s.trimmed_mean, s.normalized,
             s.outliers] for s in scores])
    assignments = rnd.assignments.select_related("item", "expert__person", "expert__organization").order_by("item_id", "-affinity")
    _sheet(wb, "专家分配", ["项目编号", "项目名称", "专家编号", "专家", "工作单位", "匹配度", "共同关键词", "学科", "产业链",
                         "状态", "指定"],
           [[a.item_id, a.item.title, a.expert_id, a.expert.name, a.expert.org_label, round(a.affinity, 3),
             "、".join(a.reasons.get("terms", [])), "、".join(a.reasons.get("disciplines", [])),
             "、".join(a.reasons.get("chains", [])), a.get_status_display(), "是" if a.pinned else "否"] for a in assignments])
    criteria = [c["name"] for c in rnd.criteria_list()]
    reviews = {a.pk: a for a in assignments}
    lines = []
    for s in scores:
        for line in s.lines:
            a = reviews[line.assignment_id]
            review = a.review
            lines.append([s.item.pk, s.item.title, line.expert_name, *[review.scores.get(c, "") for c in criteria],
                          line.total, line.normalized, "是" if line.outlier else "否", review.comment])
    _sheet(wb, "评审意见", ["项目编号", "项目名称", "专家", *criteria, "总分", "标准化分", "离群", "评审意见"], lines)
    _sheet(wb, "回避关系", ["项目编号", "项目名称", "专家", "回避原因", "说明"],
           [[c.item_id, c.item.title, c.expert.name, c.get_reason_display(), c.detail]
            for c in rnd.conflicts.select_related("item", "expert__person")])
    return xlsx.save(wb)
