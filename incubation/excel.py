"""Roster import from Excel, all or nothing (as registry/excel.py): every row is tried inside one transaction, each in
its own savepoint; if any row is bad the whole import is rolled back and every bad row is listed with its row number
and a Chinese reason. The template has one sheet, 在孵名册."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from core.audit import record
from core.xlsx import append_row
from incubation import services
from incubation.models import Carrier, ExitReason, RosterChange, Stay
from registry.signals import registry_imported

SHEET = "在孵名册"
COLUMNS = ["统一社会信用代码", "团队名称", "团队负责人", "入驻日期", "使用场地", "场地面积(㎡)", "使用的服务",
           "毕业/退出日期", "毕业/退出原因", "从其他载体迁入"]
REASONS = {c.label: c.value for c in ExitReason if c != ExitReason.MOVED}


@dataclass
class ImportResult:
    created: int = 0
    pending: int = 0  # rows filed for the other carrier's or the bureau's word (moves, back-dated entries)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


def template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    append_row(ws, COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    append_row(ws, ["（已注册企业填代码）", "", "", "2024-03-01", "A座301", 120, "创业辅导、投融资对接", "", "", "否"])
    append_row(ws, ["", "（未注册团队填名称）", "（负责人）", "2024-05-01", "", "", "", "", "", "否"])
    append_row(ws, ["说明：毕业/退出原因填 " + "、".join(REASONS) + "；从其他载体迁入填 是/否。示例行请删除。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _date(value: Any, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label}“{value}”不是日期，请按 2024-03-01 的格式填写。") from None


#: The largest 场地面积 a Stay holds (max_digits 8, one decimal place).
_SPACE_LIMIT = Decimal(10) ** (Stay._meta.get_field("space_m2").max_digits - 1)


def _decimal(value: Any, label: str, limit: Decimal = _SPACE_LIMIT) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"{label}“{value}”不是数字。") from None
    if not d.is_finite():
        raise ValidationError(f"{label}“{value}”不是数字，请填写面积的数值（如 120）。")
    if d < 0:
        raise ValidationError(f"{label}不能为负数。")
    if d >= limit:
        raise ValidationError(f"{label}“{value}”过大，应小于 {limit:,} ㎡，请核对。")
    return d


def import_roster(data: bytes, carrier: Carrier, actor: Any) -> ImportResult:
    result = ImportResult()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        result.errors.append("无法读取文件：请上传由模板填写的 .xlsx 文件。")
        return result
    if SHEET not in wb.sheetnames:
        result.errors.append(f"未找到工作表“{SHEET}”，请使用下载的模板。")
        return result
    rows = list(wb[SHEET].iter_rows(values_only=True))
    if not rows or [str(c or "").strip() for c in rows[0][:len(COLUMNS)]] != COLUMNS:
        result.errors.append("第1行表头与模板不一致，请使用下载的模板，不要修改表头。")
        return result
    touched: set[int] = set()
    try:
        with transaction.atomic():
            for n, raw in enumerate(rows[1:], start=2):
                cells = list(raw[:len(COLUMNS)]) + [None] * (len(COLUMNS) - len(raw[:len(COLUMNS)]))
                if all(c in (None, "") for c in cells) or str(cells[0] or "").startswith(("说明", "（")) \
                        or str(cells[1] or "").startswith("（"):
                    continue
                where = f"第{n}行："
                try:
                    with transaction.atomic():
                        entered = _date(cells[3], "入驻日期")
                        if entered is None:
                            raise ValidationError("入驻日期必填。")
                        exited = _date(cells[7], "毕业/退出日期")
                        reason_text = str(cells[8] or "").strip()
                        if reason_text and reason_text not in REASONS:
                            raise ValidationError(f"毕业/退出原因“{reason_text}”无效，应为 {'、'.join(REASONS)} 之一。")
                        moved = str(cells[9] or "否").strip()
                        if moved not in ("是", "否"):
                            raise ValidationError(f"从其他载体迁入应填“是”或“否”，收到“{moved}”。")
                        incubatee = services.incubatee_for(str(cells[0] or ""), str(cells[1] or ""),
                                                           str(cells[2] or ""))
                        done = services.request_stay(
                            actor, carrier, incubatee, entered, moved_in=moved == "是", sync=False,
                            space=str(cells[4] or ""), space_m2=_decimal(cells[5], "场地面积"),
                            services=str(cells[6] or ""), exited_on=exited, exit_reason=REASONS.get(reason_text, ""))
                        if isinstance(done, RosterChange):
                            result.pending += 1
                            continue
                        if incubatee.organization_id:
                            touched.add(incubatee.organization_id)
                        result.created += 1
                except ValidationError as exc:
                    text = services.message_of(exc)
                    result.errors.append(text if text.startswith(where) else where + text)
            if result.errors:
                raise _Rollback
            services.sync_upgrade_events(touched)
            record(actor, "incubation.roster_import", carrier.organization,
                   f"{carrier} 导入在孵名册 {result.created} 行，提交待处理申请 {result.pending} 行")
            # the incubation figures (carriers, cultivated high-tech enterprises) are recounted after the import
            transaction.on_commit(lambda: registry_imported.send(sender=import_roster, actor=actor,
                                                                 organization_ids=touched | {carrier.organization_id}))
    except _Rollback:
        result.created = result.pending = 0
    return result
