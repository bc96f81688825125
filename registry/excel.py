"""Excel in and out for the registry: the import template, an all-or-nothing import, and directory export.

The workbook has two sheets: "主体" (one row per organisation, keyed by credit code) and "年度数据" (one row per
organisation and year). An import validates every row of both sheets first; if any row is bad nothing is written and
every bad row is returned with its sheet, row number, column and a Chinese reason. A good file is written in one
transaction (new rows in bulk; changed fields of existing rows recorded in the change history).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from accounts import access
from core.audit import account, record
from core.imports import SheetTooLarge, header_problem, open_workbook, sheet_rows
from core.xlsx import append_row
from registry.models import (
    AnnualFacts,
    ChangeRecord,
    IndustryChain,
    Organization,
    OrganizationKind,
    Qualification,
    Region,
)
from registry.services import _display
from registry.signals import registry_imported
from registry.uscc import uscc_error

ORG_SHEET, FACTS_SHEET = "主体", "年度数据"
ORG_COLUMNS = ["统一社会信用代码", "名称", "主体类别", "区市/功能区", "产业链", "成立日期", "所属行业"]
FACT_COLUMNS = [
    ("统一社会信用代码", None),
    ("年度", "year"),
    ("销售收入(元)", "sales_revenue"),
    ("主营业务收入(元)", "main_business_revenue"),
    ("研发投入(元)", "rd_expense"),
    ("有研发活动(是/否)", "rd_active"),
    ("从业人员(人)", "employees"),
    ("研发人员(人)", "rd_staff"),
    ("发明专利授权(件)", "invention_patents_granted"),
    ("高新技术产品收入(元)", "high_tech_product_revenue"),
    ("资产总额(元)", "total_assets"),
    ("企业规模", "sme_size"),
]
#: Columns added for the size standard (所属行业; 资产总额, 企业规模): a file from the earlier template, without them,
#: is still read (the values are then not stated).
_NEW_ORG_COLUMNS, _NEW_FACT_COLUMNS = 1, 2


def _choices(field: Any) -> dict[str, str]:
    """A coded choice's accepted spellings (code and label, and the label without 企业/业) → code."""
    out: dict[str, str] = {}
    for code, label in field.choices:
        if code:
            out[code] = out[str(label)] = code
            out.setdefault(str(label).removesuffix("企业"), code)
    return out
_NAME_MAX = Organization._meta.get_field("name").max_length
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F0F2F5")


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet} 第{self.row}行 【{self.column}】{self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    organizations_created: int = 0
    organizations_updated: int = 0
    facts_created: int = 0
    facts_updated: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _write_sheet(ws, headers: list[str], rows: Iterable[list[Any]]) -> None:
    append_row(ws, headers)
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for i, _ in enumerate(headers):
        ws.column_dimensions[chr(ord("A") + i)].width = 20
    for row in rows:
        append_row(ws, row)


def template_workbook() -> bytes:
    """The import template: both sheets with headers, one example row each, and a sheet of allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = ORG_SHEET
    region = Region.objects.filter(kind="zone").order_by("code").first()
    chain = IndustryChain.objects.order_by("code").first()
    _write_sheet(ws, ORG_COLUMNS, [["91371000MA3C00000X（示例，请替换）", "示例科技有限公司", "企业",
                                    region.short_name if region else "高区", chain.name if chain else "", "2015-06-01",
                                    "工业"]])
    _write_sheet(wb.create_sheet(FACTS_SHEET), [c for c, _ in FACT_COLUMNS],
                 [["91371000MA3C00000X（示例，请替换）", 2024, 12000000, 11500000, 600000, "是", 80, 12, 2, 8000000,
                   30000000, ""]])
    help_ws = wb.create_sheet("填写说明")
    _write_sheet(help_ws, ["项目", "可填写的值"], [
        ["主体类别", "、".join(OrganizationKind.labels)],
        ["区市/功能区", "、".join(f"{r.short_name or r.name}" for r in Region.objects.exclude(kind="city").order_by("code"))],
        ["产业链", "、".join(IndustryChain.objects.order_by("code").values_list("name", flat=True))],
        ["所属行业", "、".join(str(label) for _, label in Organization._meta.get_field("industry_sector").choices)
         + "（按《中小企业划型标准规定》，企业填写；可留空）"],
        ["企业规模", "、".join(str(label) for _, label in AnnualFacts._meta.get_field("sme_size").choices)
         + "（可留空，留空时按从业人员、营业收入、资产总额和所属行业划型）"],
        ["金额", "单位为元，不得为负数"],
        ["日期", "格式 YYYY-MM-DD"],
        ["说明", "示例行请删除；任一行有误时整个文件都不会导入，并列出所有错误行。"],
    ])
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_organizations(qs, limit: int = 200_000) -> bytes:
    """Export a (filtered) directory to Excel: the "主体" sheet with current high-tech status."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ORG_SHEET)
    ws.freeze_panes = "A2"  # the header stays in view; widths fit the columns (issue 13)
    for letter, width in zip("ABCDEFGHI", (22, 36, 12, 16, 18, 12, 16, 10, 14), strict=True):
        ws.column_dimensions[letter].width = width
    append_row(ws, ORG_COLUMNS + ["平台级别", "当前高新技术企业"])
    today = dt.date.today()
    hte = set(
        Qualification.objects.filter(Qualification.in_force(today), kind="high_tech_enterprise").values_list(
            "organization_id", flat=True
        )
    ) if qs.count() > 0 else set()
    for org in qs.select_related("region", "industry_chain")[:limit].iterator(chunk_size=2000):
        append_row(ws, [
            org.uscc or "", org.name, org.get_kind_display(), org.region.short_name or org.region.name,
            org.industry_chain.name if org.industry_chain else "",
            org.established_on.isoformat() if org.established_on else "", org.get_industry_sector_display(),
            org.get_level_display() if org.level else "",
            "是" if org.pk in hte else "否",
        ])
    return _save(wb)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _money(value: Any, column: str, sheet: str, row: int, errors: list[RowError]) -> Decimal | None:
    text = _text(value).replace(",", "")
    if text == "":
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors.append(RowError(sheet, row, column, f"“{text[:40]}”不是数字，请填写以元为单位的数字。"))
        return None
    if amount < 0:
        errors.append(RowError(sheet, row, column, "金额不能为负数，请填写 0 或正数。"))
        return None
    if not amount.is_finite() or amount > AnnualFacts.MONEY_MAX:
        errors.append(RowError(sheet, row, column, "金额超过 1 万亿元，请核对单位（以元为单位填写）。"))
        return None
    return amount.quantize(Decimal("0.01"))


def _count(value: Any, column: str, sheet: str, row: int, errors: list[RowError]) -> int | None:
    text = _text(value)
    if text == "":
        return None
    if not text.isdigit():
        errors.append(RowError(sheet, row, column, f"“{text[:40]}”应为非负整数。"))
        return None
    if len(text) > 8 or int(text) > AnnualFacts.COUNT_MAX:
        errors.append(RowError(sheet, row, column, "数值超过 1000 万，请核对。"))
        return None
    return int(text)


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def import_workbook(data: bytes, actor: Any) -> ImportResult:
    """Validate the whole workbook; write all of it in one transaction, or nothing when any row is bad."""
    result = ImportResult()
    try:
        wb = open_workbook(data)
    except Exception:  # openpyxl raises several kinds for a file that is not xlsx
        result.errors.append(RowError("文件", 0, "文件", "无法读取该文件，请上传由模板填写的 .xlsx 文件。"))
        return result
    if ORG_SHEET not in wb.sheetnames and FACTS_SHEET not in wb.sheetnames:
        result.errors.append(RowError("文件", 0, "工作表", f"找不到工作表“{ORG_SHEET}”或“{FACTS_SHEET}”，请使用下载的模板。"))
        return result

    for sheet, expected, added in ((ORG_SHEET, ORG_COLUMNS, _NEW_ORG_COLUMNS),
                                   (FACTS_SHEET, [c for c, _ in FACT_COLUMNS], _NEW_FACT_COLUMNS)):
        if sheet in wb.sheetnames and (problem := header_problem(wb[sheet], expected)) and header_problem(
                wb[sheet], expected[:-added]):
            result.errors.append(RowError(sheet, 1, "表头", problem))
    if result.errors:
        return result
    try:  # the rows the sheets hold, whatever dimension they declare (core.imports.sheet_rows)
        sheets = {name: sheet_rows(wb[name], min_row=2) for name in (ORG_SHEET, FACTS_SHEET) if name in wb.sheetnames}
    except SheetTooLarge as exc:
        result.errors.append(RowError("文件", 0, "文件", str(exc)))
        return result

    regions = {}
    for r in Region.objects.exclude(kind="city"):
        for key in (r.name, r.short_name, r.code, r.division_code):
            if key:
                regions[key] = r
    chains = {c.name: c for c in IndustryChain.objects.all()} | {c.code: c for c in IndustryChain.objects.all()}
    kinds = {label: value for value, label in OrganizationKind.choices} | {v: v for v in OrganizationKind.values}
    sectors = _choices(Organization._meta.get_field("industry_sector"))
    sizes = _choices(AnnualFacts._meta.get_field("sme_size"))
    today = dt.date.today()

    org_rows: dict[str, dict[str, Any]] = {}
    if ORG_SHEET in sheets:
        for n, row in sheets[ORG_SHEET]:
            if all(_text(v) == "" for v in row):
                continue
            result.rows += 1
            cells = list(row) + [None] * (len(ORG_COLUMNS) - len(row))
            code, name, kind, region, chain, founded, sector = (_text(v) for v in cells[:7])
            code = code.upper()
            errs_before = len(result.errors)
            problem = uscc_error(code)
            if problem:
                result.errors.append(RowError(ORG_SHEET, n, "统一社会信用代码", problem))
            elif code in org_rows:
                result.errors.append(RowError(ORG_SHEET, n, "统一社会信用代码", f"与第{org_rows[code]['row']}行重复，每个主体只填一行。"))
            if not name:
                result.errors.append(RowError(ORG_SHEET, n, "名称", "名称必填。"))
            elif len(name) > _NAME_MAX:
                result.errors.append(RowError(ORG_SHEET, n, "名称", f"名称过长（{len(name)} 字），最多 {_NAME_MAX} 字。"))
            if kind and kind not in kinds:
                result.errors.append(RowError(ORG_SHEET, n, "主体类别", f"未知的主体类别“{kind}”，可填：{'、'.join(OrganizationKind.labels)}。"))
            if region not in regions:
                result.errors.append(RowError(ORG_SHEET, n, "区市/功能区", f"未知的区市或功能区“{region}”，请按“填写说明”工作表填写，如 环翠区、高区。"))
            if chain and chain not in chains:
                result.errors.append(RowError(ORG_SHEET, n, "产业链", f"未知的产业链“{chain}”，请按“填写说明”工作表填写，或留空。"))
            if sector and sector not in sectors:
                result.errors.append(RowError(ORG_SHEET, n, "所属行业", f"未知的行业“{sector[:40]}”，请按“填写说明”工作表填写，或留空。"))
            founded_on = None
            if founded:
                try:
                    founded_on = _parse_date(cells[5])
                    if founded_on > today:
                        result.errors.append(RowError(ORG_SHEET, n, "成立日期", "成立日期不能晚于今天，请核对。"))
                except ValueError:
                    result.errors.append(RowError(ORG_SHEET, n, "成立日期", f"“{founded}”不是日期，请按 YYYY-MM-DD 填写。"))
            if len(result.errors) == errs_before:
                org_rows[code] = {
                    "row": n, "name": name, "kind": kinds.get(kind or "企业"), "region": regions[region],
                    "industry_chain": chains.get(chain) if chain else None, "established_on": founded_on,
                    "industry_sector": sectors[sector] if sector else None,
                }

    fact_rows: dict[tuple[str, int], dict[str, Any]] = {}
    if FACTS_SHEET in sheets:
        for n, row in sheets[FACTS_SHEET]:
            if all(_text(v) == "" for v in row):
                continue
            result.rows += 1
            cells = list(row) + [None] * (len(FACT_COLUMNS) - len(row))
            errs_before = len(result.errors)
            code = _text(cells[0]).upper()
            problem = uscc_error(code)
            if problem:
                result.errors.append(RowError(FACTS_SHEET, n, "统一社会信用代码", problem))
            year = _count(cells[1], "年度", FACTS_SHEET, n, result.errors)
            if year is not None and not (2000 <= year <= today.year):
                result.errors.append(RowError(FACTS_SHEET, n, "年度", f"年度应在 2000 至 {today.year} 之间。"))
            values: dict[str, Any] = {}
            for (column, name), value in zip(FACT_COLUMNS[2:], cells[2:], strict=False):
                if name in AnnualFacts.MONEY_FIELDS:
                    values[name] = _money(value, column, FACTS_SHEET, n, result.errors)
                elif name == "sme_size":
                    text = _text(value)
                    if text and text not in sizes:
                        result.errors.append(RowError(FACTS_SHEET, n, column, f"未知的企业规模“{text[:40]}”，可填：大型、中型、小型、微型，或留空。"))
                    values[name] = sizes.get(text)
                elif name == "rd_active":
                    text = _text(value)
                    if text not in ("", "是", "否"):
                        result.errors.append(RowError(FACTS_SHEET, n, column, "请填写“是”或“否”。"))
                    values[name] = {"是": True, "否": False}.get(text)
                else:
                    values[name] = _count(value, column, FACTS_SHEET, n, result.errors)
            if values.get("rd_staff") is not None and values.get("employees") is not None and values["rd_staff"] > values["employees"]:
                result.errors.append(RowError(FACTS_SHEET, n, "研发人员(人)", "研发人员不能多于从业人员，请核对。"))
            if len(result.errors) == errs_before:
                if (code, year) in fact_rows:
                    result.errors.append(RowError(FACTS_SHEET, n, "年度", f"与第{fact_rows[(code, year)]['row']}行重复（同一主体同一年度）。"))
                else:
                    fact_rows[(code, year)] = {"row": n, **values}

    codes = set(org_rows) | {code for code, _ in fact_rows}
    existing = {o.uscc: o for o in _existing(codes)}
    _check_scope(result, actor, org_rows, fact_rows, existing)
    for (code, _year), values in fact_rows.items():
        if code not in existing and code not in org_rows:
            result.errors.append(RowError(FACTS_SHEET, values["row"], "统一社会信用代码",
                                          "登记库和“主体”工作表中都没有该主体，请先在“主体”工作表中填写。"))
    if result.errors:
        result.errors.sort(key=lambda e: (e.sheet != ORG_SHEET, e.row))
        return result
    with transaction.atomic():
        _write(result, org_rows, fact_rows, existing, actor)
        record(actor, "registry.import", None,
               f"Excel 导入：新建主体 {result.organizations_created}，更新主体 {result.organizations_updated}，"
               f"新建年度数据 {result.facts_created}，更新年度数据 {result.facts_updated}", rows=result.rows)
        touched = set(Organization.objects.filter(uscc__in=codes).values_list("id", flat=True))
        transaction.on_commit(lambda: registry_imported.send(sender=import_workbook, actor=actor,
                                                             organization_ids=touched))
    return result


def _check_scope(result: ImportResult, actor: Any, org_rows, fact_rows, existing: dict[str, Organization]) -> None:
    """The importer may only create or change organisations in its own scope (accounts.access)."""
    if actor is None or access.role_of(actor) == "bureau":
        return
    writable_ids = set(access.organizations(actor, write=True).filter(
        pk__in=[o.pk for o in existing.values()]).values_list("pk", flat=True))
    for code, row in org_rows.items():
        org = existing.get(code)
        if org is not None and org.pk not in writable_ids:
            result.errors.append(RowError(ORG_SHEET, row["row"], "统一社会信用代码",
                                          "该主体不在您的管辖范围内，不能通过导入修改；请删除此行或联系市科技局。"))
        elif not access.can_write_region(actor, row["region"]):
            result.errors.append(RowError(ORG_SHEET, row["row"], "区市/功能区",
                                          f"只能导入本辖区的主体，“{row['region'].short_name or row['region'].name}”不在您的管辖范围内。"))
    for (code, _year), values in fact_rows.items():
        org = existing.get(code)
        if org is not None and org.pk not in writable_ids:
            result.errors.append(RowError(FACTS_SHEET, values["row"], "统一社会信用代码",
                                          "该主体不在您的管辖范围内，不能导入其年度数据。"))


def _existing(codes: set[str]) -> list[Organization]:
    found: list[Organization] = []
    codes_list = sorted(codes)
    for i in range(0, len(codes_list), 5000):
        found.extend(Organization.objects.filter(uscc__in=codes_list[i:i + 5000]))
    return found


def _write(result: ImportResult, org_rows, fact_rows, existing: dict[str, Organization], actor) -> None:
    user = account(actor)
    changes: list[ChangeRecord] = []
    new_orgs = []
    for code, row in org_rows.items():
        org = existing.get(code)
        fields = {k: row[k] for k in ("name", "kind", "region", "industry_chain", "established_on", "industry_sector")}
        if org is None:
            new_orgs.append(Organization(uscc=code, **{**fields, "industry_sector": fields["industry_sector"] or ""}))
            continue
        diff = {k: v for k, v in fields.items() if v is not None and getattr(org, k) != v}
        if diff:
            for k, v in diff.items():
                model_field = Organization._meta.get_field(k)
                changes.append(ChangeRecord(organization=org, record_type="organization", field=str(model_field.verbose_name),
                                            old_value=_display(getattr(org, k), model_field),
                                            new_value=_display(v, model_field), actor=user, channel="import"))
                setattr(org, k, v)
            org.save(update_fields=[*diff, "updated_at"])
            result.organizations_updated += 1
    Organization.objects.bulk_create(new_orgs, batch_size=2000)
    result.organizations_created = len(new_orgs)
    for org in new_orgs:
        existing[org.uscc] = org
        changes.append(ChangeRecord(organization=org, record_type="organization", field="新建", new_value=org.name, actor=user, channel="import"))

    by_org_year = {}
    org_ids = [existing[code].pk for code, _ in fact_rows]
    for i in range(0, len(org_ids), 5000):
        for f in AnnualFacts.objects.filter(organization_id__in=org_ids[i:i + 5000]):
            by_org_year[(f.organization_id, f.year)] = f
    new_facts, updated = [], []
    figure_names = [n for _, n in FACT_COLUMNS[2:]]
    for (code, year), values in fact_rows.items():
        org = existing[code]
        current = by_org_year.get((org.pk, year))
        if current is None:
            new_facts.append(AnnualFacts(organization=org, year=year, source=AnnualFacts.Source.IMPORT, entered_by=user,
                                         **{n: values[n] for n in figure_names if n != "sme_size"},
                                         sme_size=values["sme_size"] or ""))
            changes.append(ChangeRecord(organization=org, record_type="annualfacts", record_key=str(year), field="新建",
                                        new_value=f"{year} 年度数据", actor=user, channel="import"))
            continue
        diff = {n: values[n] for n in figure_names if values[n] is not None and getattr(current, n) != values[n]}
        if diff:
            for n, v in diff.items():
                model_field = AnnualFacts._meta.get_field(n)
                changes.append(ChangeRecord(organization=org, record_type="annualfacts", record_key=str(year),
                                            field=str(model_field.verbose_name),
                                            old_value=_display(getattr(current, n), model_field),
                                            new_value=_display(v, model_field), actor=user, channel="import"))
                setattr(current, n, v)
            current.source, current.entered_by = AnnualFacts.Source.IMPORT, user
            updated.append(current)
    AnnualFacts.objects.bulk_create(new_facts, batch_size=2000)
    if updated:
        AnnualFacts.objects.bulk_update(updated, [*figure_names, "source", "entered_by"], batch_size=2000)
    ChangeRecord.objects.bulk_create(changes, batch_size=5000)
    result.facts_created, result.facts_updated = len(new_facts), len(updated)


def build_workbook(orgs: list[list[Any]], facts: list[list[Any]]) -> bytes:
    """A workbook in the import layout (used by tests and the benchmark)."""
    wb = Workbook()
    ws = wb.active
    ws.title = ORG_SHEET
    _write_sheet(ws, ORG_COLUMNS, orgs)
    _write_sheet(wb.create_sheet(FACTS_SHEET), [c for c, _ in FACT_COLUMNS], facts)
    return _save(wb)
