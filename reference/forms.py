from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms

MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_month(raw: object) -> dt.date | None:
    """A month as typed or as Excel stores it (2025-06, 2025/6, 2025年6月, a date cell); None if unreadable."""
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.replace(day=1)
    m = MONTH.match(str(raw or "")) or re.match(r"^\s*(\d{4})-(\d{1,2})-\d{1,2}\s*$", str(raw or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


class MonthField(forms.CharField):
    def to_python(self, value: object) -> dt.date | None:
        if value in (None, ""):
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError("月份格式应为“2025-06”（年-月），请核对。")
        return month


class ValueForm(forms.Form):
    month = MonthField(label="月份", help_text="如 2025-06")
    value = forms.DecimalField(label="数值（%）", max_digits=9, decimal_places=4, min_value=Decimal(0),
                               max_value=Decimal(100), help_text="如 3.00",
                               error_messages={"invalid": "数值应为数字，如 3.00。",
                                               "min_value": "数值不能小于 0，请核对。",
                                               "max_value": "数值应为百分比（如 3.00），不能大于 100。",
                                               "max_decimal_places": "数值最多 4 位小数。"})
    source = forms.CharField(label="来源", max_length=200,
                             error_messages={"required": "请填写数据来源，如“中国人民银行授权全国银行间同业拆借中心公布”。"})

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if not value.is_finite():
            raise forms.ValidationError("数值应为数字，如 3.00。")
        return value


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（按模板填写）",
                           error_messages={"required": "请选择按模板填写的 Excel 文件（.xlsx）。"})
