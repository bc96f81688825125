"""The evaluation as a PDF report (C 九（四） 绩效评估; the Chinese font embedded, as indicators' report does) and as
an Excel workbook holding the data behind every chart of the page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.html import escape
from openpyxl import Workbook

from core import xlsx
from core.xlsx import Column
from evaluation.models import EvaluationRun

REL_LABELS = {-2: "补助前两年", -1: "补助前一年", 0: "达标当年", 1: "补助后一年"}


def rel_label(rel: int) -> str:
    return REL_LABELS.get(rel, f"{rel:+d} 年")


def findings(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(method, finding, comparison) per method, in the page's order."""
    rows = []
    for key in ("rd", "did"):
        r = result.get(key) or {}
        rows.append((r.get("method", ""), r.get("sentence") or r.get("reason", ""),
                     "门槛两侧的企业" if key == "rd" else (result.get("comparison") or {}).get("label", "")))
    return rows


def title(run: EvaluationRun) -> str:
    p = run.result.get("provision", {})
    return f"{p.get('citation', run.provision_id)} {p.get('title', '')} 政策成效评估（{run.year_from}–{run.year_to} 年度）"


def _ws(wb: Workbook, name: str, columns: list[Column], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(name)
    xlsx.write_table(ws, columns, rows)


def report_xlsx(run: EvaluationRun) -> bytes:
    r = run.result
    outcome = r.get("outcome", {})
    unit = outcome.get("unit", "")
    wb = Workbook()
    wb.remove(wb.active)
    _ws(wb, "结论", [Column("方法", 40, wrap=True), Column("结论", 90, wrap=True), Column("对照组", 30, wrap=True)],
        [list(f) for f in findings(r)] + [["评估对象", title(run), ""],
                                          ["结果指标", f"{outcome.get('label', '')}（{unit}）", ""]])
    _ws(wb, "年度规模", [Column("年度", 8, xlsx.YEAR), Column("条款适用主体", 14, xlsx.INTEGER),
                     Column("符合条件", 12, xlsx.INTEGER), Column("获得补助", 12, xlsx.INTEGER),
                     Column("符合条件未获补助", 16, xlsx.INTEGER), Column("差一点达标", 12, xlsx.INTEGER),
                     Column("补助金额(元)", 18, xlsx.YUAN)],
        [[c["year"], c.get("population"), c.get("eligible"), c["paid"], c.get("eligible_unpaid"), c.get("near_miss"),
          c["paid_amount"]] for c in r.get("cohorts", [])])
    paths = r.get("paths") or {"rel": [], "treated": [], "comparison": []}
    _ws(wb, "结果路径", [Column("相对补助年份", 14), Column("补助组平均值", 16, xlsx.DECIMAL),
                     Column("对照组平均值", 16, xlsx.DECIMAL), Column("单位", 8)],
        [[rel_label(k), t, c, unit] for k, t, c in zip(paths["rel"], paths["treated"], paths["comparison"],
                                                       strict=False)])
    event = ((r.get("did") or {}).get("details") or {}).get("event_study") or []
    _ws(wb, "事前趋势检验", [Column("相对补助年份", 14), Column("与达标当年相比的差异", 20, xlsx.DECIMAL),
                       Column("95%下限", 12, xlsx.DECIMAL), Column("95%上限", 12, xlsx.DECIMAL)],
        [[rel_label(e["rel"]), e["estimate"], e["ci_low"], e["ci_high"]] for e in event])
    bins = (r.get("rd_chart") or {}).get("bins") or []
    _ws(wb, "断点图", [Column("距门槛（组中值）", 16, "0.000"), Column("次年变化（组平均）", 18, "0.000"),
                    Column("家·年", 10, xlsx.INTEGER)], [[b["x"], b["y"], b["n"]] for b in bins])
    ce = r.get("cost_effectiveness") or {}
    _ws(wb, "成本效益", [Column("区市/功能区", 16), Column("补助企业", 10, xlsx.INTEGER),
                     Column("补助金额(元)", 18, xlsx.YUAN), Column(f"估计效应合计（{ce.get('unit', '').split('/')[-1]}）",
                                                                 20, xlsx.DECIMAL),
                     Column(f"每单位效应的补助（{ce.get('unit', '')}）", 22, xlsx.DECIMAL)],
        [[row.get("district_name", ""), row["firms"], row["paid"], row["effect"], row["yuan_per_unit"]]
         for row in ([ce["total"]] if ce.get("total") else []) + ce.get("rows", [])])
    sample = r.get("sample") or []
    keys = ["id", "design", "cohort", "district", "paid", "running", "outcome_change", "weight", "y-2", "y-1", "y+0",
            "y+1"]
    names = ["假名编号", "方法", "达标年度", "区市/功能区", "获得补助", "距门槛", "次年变化", "匹配权重",
             f"补助前两年（{unit}）", f"补助前一年（{unit}）", f"达标当年（{unit}）", f"补助后一年（{unit}）"]
    _ws(wb, "去标识样本", [Column(n, 14) for n in names],
        [[("是" if s.get(k) else "否") if k == "paid" else s.get(k) for k in keys] for s in sample])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fmt(v: Any, digits: int = 2) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def report_pdf(run: EvaluationRun) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from indicators.reports import _font
    from policy.jurisdiction import current

    font = _font()
    h1 = ParagraphStyle("t", fontName=font, fontSize=15, leading=21)
    h2 = ParagraphStyle("h", fontName=font, fontSize=11, leading=16, spaceBefore=6)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=13)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10)
    r = run.result
    outcome = r.get("outcome", {})
    jurisdiction = current()
    heading = title(run)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=heading, author=f"科创 · {jurisdiction.platform_title}")
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F2F5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP")])

    def table(head: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        t = Table([[Paragraph(escape(h), cell) for h in head]] + [[Paragraph(escape(str(x)), cell) for x in row]
                                                                   for row in rows],
                  colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(style)
        return t

    p = r.get("provision", {})
    story = [
        Paragraph(escape(heading), h1),
        Paragraph(escape(f"生成日期：{dt.date.today():%Y-%m-%d}。依据《威海市“十四五”科技创新规划》九（四）开展市级财政科技"
                         f"资金绩效评估。条款门槛：{p.get('threshold', '')}。结果指标：{outcome.get('label', '')}"
                         f"（{outcome.get('unit', '')}）。"), body),
        Paragraph("评估结论", h2),
        table(["方法", "结论", "对照组"], [list(f) for f in findings(r)], [50, 90, 40]),
        Paragraph("各年度规模", h2),
        table(["年度", "适用主体", "符合条件", "获得补助", "符合条件未获补助", "差一点达标", "补助金额（元）"],
              [[c["year"], c.get("population", "—"), c.get("eligible", "—"), c["paid"], c.get("eligible_unpaid", "—"),
                c.get("near_miss", "—"), _fmt(c["paid_amount"])] for c in r.get("cohorts", [])],
              [14, 22, 22, 22, 30, 24, 46]),
    ]
    paths = r.get("paths") or {}
    if paths.get("rel"):
        story += [Paragraph(f"补助前后的结果路径（平均{outcome.get('label', '')}，{outcome.get('unit', '')}）", h2),
                  table(["", *[rel_label(k) for k in paths["rel"]]],
                        [["补助组", *[_fmt(v) for v in paths["treated"]]],
                         ["对照组", *[_fmt(v) for v in paths["comparison"]]]], [30, 37, 37, 37, 37])]
    ce = r.get("cost_effectiveness") or {}
    story += [Paragraph(f"成本效益（{ce.get('unit', '')}，按{ce.get('method', '')}的估计）", h2)]
    if ce.get("reason"):
        story.append(Paragraph(escape(ce["reason"]), body))
    if ce.get("caution"):
        story.append(Paragraph(escape(ce["caution"]), body))
    rows = ([ce["total"]] if ce.get("total") else []) + ce.get("rows", [])
    story.append(table(["区市/功能区", "补助企业", "补助金额（元）", "估计效应合计", "每单位效应的补助"],
                       [[x.get("district_name", ""), x["firms"], _fmt(x["paid"]), _fmt(x["effect"]),
                         _fmt(x["yuan_per_unit"])] for x in rows], [40, 22, 40, 40, 38]))
    story += [Spacer(1, 4 * mm), Paragraph(escape(r.get("sample_note", "")), body)]
    doc.build(story)
    return buf.getvalue()
