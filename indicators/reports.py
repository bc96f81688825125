"""Excel in and out for observations, and the yearly monitoring report as Excel and as PDF (Chinese font embedded)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from core import audit, xlsx
from core.imports import header_problem
from core.xlsx import Column
from indicators import services
from indicators.catalogue import codes
from indicators.counts import Computer
from indicators.models import Indicator, Observation
from indicators.services import IndicatorInputError
from policy.jurisdiction import current
from registry.excel import RowError, _save, _write_sheet

SHEET = "观测值"
COLUMNS = ["指标编码", "年度", "区域编码（留空=指标适用区域整体）", "数值", "数据来源", "备注", "更正原因（填写则为更正）"]
FIELD_COLUMN = {"indicator": COLUMNS[0], "year": COLUMNS[1], "region": COLUMNS[2], "value": COLUMNS[3],
                "source": COLUMNS[4], "reason": COLUMNS[6]}
FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    recorded: int = 0
    corrected: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    indicators = list(Indicator.objects.select_related("jurisdiction").filter(code__in=codes()).order_by("order"))
    example = next((i for i in indicators if not i.computed), indicators[0] if indicators else None)
    _write_sheet(ws, COLUMNS, [[example.code if example else "", dt.date.today().year - 1, "",
                                float(example.baseline_value or example.target_value) if example else "",
                                f"{current().label}统计公报（示例，请替换）", "", ""]])
    rows = []
    for ind in indicators:
        start, end = services.plan_years(ind)
        regions = "、".join(r.code for r in services.region_choices(ind)[1:]) or "（仅整体）"
        rows.append([ind.code, ind.name, ind.unit, f"{start}—{end}", ind.jurisdiction.name, regions,
                     "由登记数据计算，录入值优先" if ind.computed else "录入"])
    _write_sheet(wb.create_sheet("指标目录"), ["指标编码", "指标", "单位", "可录入年度", "适用区域", "可填区域编码", "数据方式"], rows)
    _write_sheet(wb.create_sheet("填写说明"), ["项目", "说明"], [
        ["数值", "比重类（%）填百分数，如 46.5；不得大于 100。数量、金额不得为负。"],
        ["更正", "同一指标、年度、区域已有数值时，须填写更正原因，生成新版本；原值保留在历史中。"],
        ["说明", "示例行请删除；任一行有误时整个文件都不会导入，并列出所有错误行。"],
    ])
    return _save(wb)


def import_workbook(data: bytes, user: Any) -> ImportResult:
    """Validate every row first; write all of them in one transaction only when none is bad."""
    result = ImportResult()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same error for the user
        result.errors.append(RowError("文件", 0, "文件", "无法读取：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"))
        return result
    if SHEET not in wb.sheetnames:
        result.errors.append(RowError("文件", 0, "工作表", f"缺少工作表“{SHEET}”：请使用下载的模板填写。"))
        return result
    if problem := header_problem(wb[SHEET], COLUMNS):
        result.errors.append(RowError(SHEET, 1, "表头", problem))
        return result
    with services.memoised():
        planned = _validate_rows(wb[SHEET], result)
    if result.errors:
        return result
    if not planned:
        result.errors.append(RowError(SHEET, 0, "数据", "文件中没有数据行：请在模板的“观测值”表中逐行填写。"))
        return result
    _write(planned, user, result)
    return result


def _current_versions(series: set[str] | None = None) -> dict[tuple[str, int, int], Any]:
    """(series, year, region id) → the current observation (highest version), read in one query."""
    qs = Observation.objects.order_by("year", "version", "id")
    if series is not None:
        qs = qs.filter(series__in=series)
    return {(o.series, o.year, o.region_id): o for o in qs.only("id", "series", "year", "region_id", "version", "value")}


def _validate_rows(ws: Any, result: ImportResult) -> list[tuple[int, dict[str, Any]]]:
    """Every row checked (streamed from the sheet); catalogue and current values read once, not per row."""
    current = _current_versions()
    planned: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, int, str], int] = {}
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row) + [None] * (len(COLUMNS) - len(row))
        if all(c in (None, "") for c in cells[: len(COLUMNS)]):
            continue
        code, year, region, value, source, note, reason = (cells[i] for i in range(len(COLUMNS)))
        reason = str(reason or "").strip()
        try:
            ind, y, v, r = services._clean(str(code or ""), year, value, region, str(source or ""),
                                           str(note or ""), reason)
            key = (ind.series_code, y, r.code)
            if key in seen:
                raise IndicatorInputError("year", f"与第{seen[key]}行重复（同一指标、年度、区域）：请只保留一行。")
            seen[key] = n
            prior = current.get((ind.series_code, y, r.pk))
            if prior is not None and not reason:
                raise IndicatorInputError(
                    "reason", f"{ind.name} {y} 年已有观测值：重复录入被拒绝；如需更正，请在“更正原因”列说明原因。")
            if prior is None and reason:
                raise IndicatorInputError("reason", f"{ind.name} {y} 年还没有观测值，无可更正：请清空“更正原因”。")
        except IndicatorInputError as e:
            result.errors.append(RowError(SHEET, n, FIELD_COLUMN.get(e.field, e.field), e.message))
            continue
        planned.append((n, {"indicator": ind, "year": y, "value": v, "region": r, "source": str(source).strip(),
                            "note": str(note or "").strip(), "reason": reason,
                            "base_version": prior.version if prior is not None else 0}))
    return planned


def _write(planned: list[tuple[int, dict[str, Any]]], user: Any, result: ImportResult) -> None:
    """All rows in one transaction, in bulk; the series are locked and re-read so that a value corrected by
    someone else meanwhile stops the import with "已被他人更正" instead of writing two current versions."""
    from core.models import AuditEvent

    account = audit.account(user)
    series = {item["indicator"].series_code for _, item in planned}
    with transaction.atomic():
        list(Indicator.objects.select_for_update().filter(code__in=series).values_list("pk", flat=True))
        now_current = _current_versions(series)
        rows, events = [], []
        for n, item in planned:
            ind, y, r = item["indicator"], item["year"], item["region"]
            prior = now_current.get((ind.series_code, y, r.pk))
            if (prior.version if prior is not None else 0) != item["base_version"]:
                result.errors.append(RowError(SHEET, n, FIELD_COLUMN["value"],
                                              f"{ind.name} {y} 年的数值{services.CHANGED_BY_OTHERS}"))
                continue
            obs = Observation(indicator_id=prior.indicator_id if prior is not None else ind.pk, year=y, region=r,
                              value=item["value"], version=item["base_version"] + 1, source=item["source"],
                              note=item["note"], reason=item["reason"], entered_by=account, channel="excel",
                              series=ind.series_code)
            obs.shown_as = ind
            rows.append(obs)
            if item["reason"]:
                result.corrected += 1
            else:
                result.recorded += 1
        if result.errors:
            transaction.set_rollback(True)
            result.recorded = result.corrected = 0
            return
        Observation.objects.bulk_create(rows, batch_size=2000)
        for obs in rows:
            action = "indicators.observation.correct" if obs.reason else "indicators.observation.record"
            events.append(AuditEvent(actor=account, action=action, object_type="indicators.observation",
                                     object_id=str(obs.pk or ""), summary=f"{obs.shown_as.name} {obs.year} "
                                     f"{obs.region.name} = {obs.value}"[:255],
                                     data={"indicator": obs.shown_as.code, "year": obs.year, "region": obs.region.code,
                                           "value": str(obs.value), "version": obs.version, "channel": "excel"}))
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        audit.record(user, "indicators.import", None,
                     f"Excel 导入指标观测值：新录入 {result.recorded} 条，更正 {result.corrected} 条",
                     recorded=result.recorded, corrected=result.corrected)


# ---- the yearly monitoring report --------------------------------------------------------------------------------

def _num(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "—"
    text = f"{v:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def report_rows(year: int, computer: Computer | None = None) -> list[dict[str, Any]]:
    out = []
    for r in services.dashboard(year, computer):
        ind, prog, latest = r["indicator"], r["progress"], r["latest"]
        out.append({
            "category": r["category"], "code": ind.code, "name": ind.name, "unit": ind.unit,
            "citation": ind.citation, "jurisdiction": ind.jurisdiction.name,
            "baseline": (f"{prog.base_year}年 {ind.format_value(prog.base_value)}"
                         + ("" if prog.base_stated else "（最早观测）") if prog.base_value is not None else "—"),
            "target": f"{ind.target_year}年 {ind.target_display}" + (
                f"（{ind.change_explained}）" if ind.change_text and ind.target_kind == "level" else ""),
            "value": ind.format_value(latest.value) if latest else "—", "value_year": latest.year if latest else None,
            "origin": latest.origin_label if latest else "",
            "share": f"{prog.share_of_way * 100:.1f}%" if prog.share_of_way is not None else "—",
            "status": prog.status_label, "rule": prog.rule, "department": ind.department,
        })
    return out


REPORT_COLUMNS = [
    Column("类别", 22, wrap=True), Column("指标", 30, wrap=True), Column("单位", 7), Column("依据", 26, wrap=True),
    Column("区域", 9), Column("基期年", 8, xlsx.YEAR), Column("基期值", 11), Column("目标年", 8, xlsx.YEAR),
    Column("目标值", 11), Column("目标说明", 22, wrap=True), Column("判定数值", 12), Column("数据年度", 9, xlsx.YEAR),
    Column("数据方式", 12), Column("完成进程", 10, xlsx.PERCENT), Column("状态", 9), Column("最终判定", 9),
    Column("判断依据", 60, wrap=True), Column("责任单位", 24, wrap=True),
]
REPORT_HEADERS = [c.title for c in REPORT_COLUMNS]


def _number(ind: Indicator, v: Any) -> int | float | None:
    if v is None:
        return None
    return round(float(v)) if ind.is_count else round(float(v), 4)


def report_xlsx(year: int) -> bytes:
    """The yearly report: figures are numbers with number formats (counts as integers, shares as %)."""
    wb = xlsx.workbook()
    ws = wb.create_sheet(f"{year}年监测")
    rows = []
    for r in services.dashboard(year):
        ind, prog, latest = r["indicator"], r["progress"], r["latest"]
        fmt = xlsx.INTEGER if ind.is_count else xlsx.DECIMAL

        def figure(v: Any, fmt: str = fmt) -> Any:  # 基期值, 目标值, 判定数值: integer for counts, two decimals otherwise
            return xlsx.styled(ws, v, fmt)

        level = ind.target_kind == Indicator.TargetKind.LEVEL
        rows.append([
            r["category"], ind.name, ind.unit, ind.citation, ind.jurisdiction.name, prog.base_year,
            figure(_number(ind, prog.base_value)), ind.target_year, figure(_number(ind, ind.target_value)),
            ind.change_explained if level else ind.target_display,
            figure(_number(ind, latest.value) if latest else None), latest.year if latest else None,
            latest.origin_label if latest else "", prog.share_of_way, prog.status_label,
            "是" if prog.final else "否", prog.rule, ind.department,
        ])
    xlsx.write_table(ws, REPORT_COLUMNS, rows)
    return xlsx.save(wb)


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "WenQuanYiMicroHei"
    if name not in pdfmetrics.getRegisteredFontNames():
        path = next((p for p in FONT_PATHS if Path(p).exists()), None)
        if path is None:
            raise RuntimeError("缺少中文字体 fonts-wqy-microhei：请运行 scripts/setup.sh 安装。")
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    return name


def report_pdf(year: int) -> bytes:
    """The monitoring report as an A4 landscape PDF with the Chinese font embedded (subset)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=13)
    cell = ParagraphStyle("c", fontName=font, fontSize=7, leading=9)
    computer = Computer()
    rows = report_rows(year, computer)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    buf = io.BytesIO()
    jurisdiction = current()
    heading = f"{jurisdiction.label}科技创新规划指标监测报告（{year}年）"
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=heading,
                            author=f"科创 · {jurisdiction.platform_title}")
    story = [
        Paragraph(heading, title),
        Paragraph(f"生成日期：{dt.date.today():%Y-%m-%d}。共 {len(rows)} 项指标："
                  + "，".join(f"{k} {v} 项" for k, v in counts.items()) + "。", body),
        Paragraph("数据方式：“录入”为统计数据，“登记数据计算”为平台登记库按指标口径统计；同一年度两者都有时以录入为准。"
                  "判断规则：到目标年的外推值达到目标为正常推进，达到目标进程 90% 以上为存在风险，其余为滞后。"
                  + services.counted_note(computer), body),
        Spacer(1, 4 * mm),
    ]
    head = ["指标", "依据", "区域", "基期", "目标", "最新值", "数据方式", "完成进程", "状态", "判断依据"]
    data = [[Paragraph(h, cell) for h in head]]
    for r in rows:
        value = f"{r['value']}{r['unit']}（{r['value_year']}年）" if r["value_year"] else "—"
        data.append([Paragraph(escape(x), cell) for x in (
            f"{r['name']}（{r['unit']}）", r["citation"], r["jurisdiction"], r["baseline"], r["target"], value,
            r["origin"], r["share"], r["status"], r["rule"])])
    widths = [44, 40, 16, 20, 24, 26, 16, 15, 14, 62]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F2F5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()
