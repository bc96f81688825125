"""Excel in and out for the expert database and review rounds.

Import (like registry/excel.py): every row is validated first; one bad row imports nothing and every bad row is
listed with its row number, column and a Chinese reason; a good file is written in one transaction.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.audit import record
from core.imports import SheetTooLarge, open_workbook, sheet_rows
from core.xlsx import append_row
from experts.disciplines import TOP_LEVEL, code_error
from experts.models import Expert
from registry.models import IndustryChain, Organization, Person

SHEET = "专家"
COLUMNS = ["姓名", "工作单位（名称或统一社会信用代码）", "单位性质", "职称", "产业链", "学科代码", "研究方向关键词",
           "状态", "年度评审上限"]
_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 【{self.column}】{self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header(ws, headers: list[str]) -> None:
    append_row(ws, headers)
    for i, cell in enumerate(ws[1]):
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="F0F2F5")
        ws.column_dimensions[chr(ord("A") + i)].width = 22


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _header(ws, COLUMNS)
    append_row(ws, ["张明（示例，请删除）", "哈尔滨工业大学（威海）", "高校院所", "教授", "碳纤维及复合材料",
               "430、530", "碳纤维、复合材料、界面改性", "入库", 60])
    help_ws = wb.create_sheet("填写说明")
    _header(help_ws, ["项目", "可填写的值"])
    for row in [
        ["单位性质", "、".join(Expert.Sector.labels)],
        ["产业链", "、".join(IndustryChain.objects.order_by("code").values_list("name", flat=True))],
        ["学科代码", "GB/T 13745-2009 一级学科 3 位代码（也可填 5 位、7 位代码），多个用顿号分隔："
         + "；".join(f"{c} {n}" for c, n in TOP_LEVEL.items())],
        ["状态", "、".join(Expert.Status.labels)],
        ["说明", "同一姓名和单位的专家已在库时更新其资料；任一行有误时整个文件都不会导入，并列出所有错误行。"],
    ]:
        append_row(help_ws, row)
    return _save(wb)


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def import_experts(data: bytes, actor=None) -> ImportResult:
    """Validate every row, then write all of them or none."""
    result = ImportResult()
    try:
        wb = open_workbook(data)
    except Exception:
        result.errors.append(RowError(0, "文件", "无法读取：请上传由模板填写的 .xlsx 文件。"))
        return result
    if SHEET not in wb.sheetnames:
        result.errors.append(RowError(0, "工作表", f"缺少“{SHEET}”工作表，请使用导入模板。"))
        return result
    try:  # the rows the sheet holds, whatever dimension it declares (core.imports.sheet_rows)
        rows = sheet_rows(wb[SHEET])
    except SheetTooLarge as exc:
        result.errors.append(RowError(0, "文件", str(exc)))
        return result
    if not rows or rows[0][0] != 1 or [_text(c) for c in rows[0][1][: len(COLUMNS)]] != COLUMNS:
        result.errors.append(RowError(1, "表头", "表头与模板不一致，请下载最新模板后填写。"))
        return result
    chains = {c.name: c for c in IndustryChain.objects.all()}
    sectors = {label: value for value, label in Expert.Sector.choices}
    statuses = {label: value for value, label in Expert.Status.choices}
    parsed = []
    seen: dict[tuple[str, str], int] = {}
    for n, raw in rows[1:]:
        cells = [_text(c) for c in (list(raw) + [None] * len(COLUMNS))[: len(COLUMNS)]]
        if not any(cells):
            continue
        name, org_text, sector, title, chain_text, code_text, keywords, status, cap = cells
        errs = []
        if not name:
            errs.append(RowError(n, COLUMNS[0], "姓名必填。"))
        org = None
        if not org_text:
            errs.append(RowError(n, COLUMNS[1], "工作单位必填：填写单位名称或统一社会信用代码。"))
        else:
            org = (Organization.objects.filter(uscc=org_text.upper()).first()
                   or Organization.objects.filter(name=org_text).order_by("id").first())
        if sector and sector not in sectors:
            errs.append(RowError(n, COLUMNS[2], f"“{sector}”不是可选值，请填写：{'、'.join(sectors)}。"))
        chain_objs = []
        for c in (s for s in _SPLIT.split(chain_text) if s):
            if c not in chains:
                errs.append(RowError(n, COLUMNS[4], f"产业链“{c}”不存在，请按“填写说明”工作表填写。"))
            else:
                chain_objs.append(chains[c])
        codes = [s for s in _SPLIT.split(code_text) if s]
        for c in codes:
            problem = code_error(c)
            if problem:
                errs.append(RowError(n, COLUMNS[5], problem))
        if not codes and not chain_objs and not keywords:
            errs.append(RowError(n, COLUMNS[5], "学科代码、产业链、关键词至少填写一项，否则无法匹配评审项目。"))
        if status and status not in statuses:
            errs.append(RowError(n, COLUMNS[7], f"“{status}”不是可选值，请填写：{'、'.join(statuses)}。"))
        cap_value = 60
        if cap:
            try:
                cap_value = int(float(cap))
                if cap_value < 0 or cap_value > 1000:
                    raise ValueError
            except ValueError:
                errs.append(RowError(n, COLUMNS[8], f"“{cap}”不是 0 到 1000 之间的整数。"))
        key = (name, org_text)
        if key in seen:
            errs.append(RowError(n, COLUMNS[0], f"与第{seen[key]}行重复（同一姓名和单位）。"))
        seen[key] = n
        result.errors.extend(errs)
        if not errs:
            parsed.append(dict(name=name, org=org, org_name="" if org else org_text,
                               sector=sectors.get(sector, Expert.Sector.ACADEMIA), title=title, chains=chain_objs,
                               codes=codes, keywords="、".join(s for s in _SPLIT.split(keywords) if s),
                               status=statuses.get(status, Expert.Status.ADMITTED), cap=cap_value))
    if result.errors:
        return result
    with transaction.atomic():
        for p in parsed:
            existing = Expert.objects.filter(person__name=p["name"]).filter(
                **({"organization": p["org"]} if p["org"] else {"organization_name": p["org_name"]})).first()
            if existing:
                expert = existing
                result.updated += 1
            else:
                person = Person.objects.create(kind=Person.Kind.EXPERT, name=p["name"], organization=p["org"],
                                               title=p["title"])
                expert = Expert(person=person)
                result.created += 1
            expert.organization, expert.organization_name = p["org"], p["org_name"]
            expert.sector, expert.title, expert.disciplines = p["sector"], p["title"], p["codes"]
            expert.keywords, expert.status, expert.yearly_cap = p["keywords"], p["status"], p["cap"]
            expert.save()
            expert.chains.set(p["chains"])
        record(actor, "experts.import", None, f"专家导入：新增 {result.created}，更新 {result.updated}",
               created=result.created, updated=result.updated)
    return result
