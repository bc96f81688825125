"""Forms of the screening pages (their values go straight to screening.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from policy import services as engine
from registry.models import IndustryChain, Region
from screening.models import ScreeningRun


def _default_year() -> int:
    return timezone.localdate().year - 1


class ScreeningForm(forms.Form):
    year = forms.IntegerField(label="年度", initial=_default_year, min_value=2000, max_value=2100,
                              error_messages={"required": "请填写年度。", "invalid": "年度须为四位数字。"})
    scope = forms.ChoiceField(label="范围", choices=ScreeningRun.Scope.choices, initial=ScreeningRun.Scope.ALL)
    region = forms.ModelChoiceField(label="区市", required=False, queryset=Region.objects.none(), empty_label="（不限）")
    industry_chain = forms.ModelChoiceField(label="产业链", required=False, queryset=IndustryChain.objects.all(),
                                            empty_label="（不限）")
    organizations = forms.CharField(
        label="主体清单", required=False, help_text="按清单筛查时填写：每行一个主体名称或统一社会信用代码。",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一个主体名称或统一社会信用代码"}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.exclude(kind__in=[Region.Kind.CITY, Region.Kind.TOWN])
        if user is not None and not (user.is_bureau or user.role == "finance"):
            regions = regions.filter(pk=user.region_id)
            self.fields["scope"].choices = [(ScreeningRun.Scope.REGION, ScreeningRun.Scope.REGION.label)]
            self.fields["scope"].initial = ScreeningRun.Scope.REGION
        self.fields["region"].queryset = regions


class WhatIfForm(forms.Form):
    parameter = forms.ChoiceField(label="参数", choices=(), error_messages={
        "invalid_choice": "未知参数“%(value)s”：请从参数列表中选择可调整的参数。", "required": "请选择要调整的参数。"})
    value = forms.CharField(label="新值", max_length=30, error_messages={"required": "请填写参数的新值。"},
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    year = forms.IntegerField(label="年度", initial=_default_year, min_value=2000, max_value=2100,
                              error_messages={"required": "请填写年度。", "invalid": "年度须为四位数字。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from screening import parameters as P

        params = engine.tunable_parameters()
        self.parameters = P.enrich(params)
        self.groups = P.grouped(params)
        self.units = {p["path"]: p.get("unit", "") for p in params}
        # grouped by document and article: <optgroup label="<document number> <article>">
        self.fields["parameter"].choices = [("", "（请选择参数）")] + [
            (f"{g['document']} {a['article']}".strip(),
             [(p["path"], f"{p['title']}（现行 {p['now_text']}）") for p in a["params"]])
            for g in self.groups for a in g["articles"]
        ]

    def clean(self) -> dict[str, Any]:
        """Rates are typed as percentages (5 = 5%) and handed to the engine as fractions (0.05)."""
        from screening import parameters as P

        data = super().clean()
        path, raw = data.get("parameter"), data.get("value")
        if path and raw:
            try:
                data["engine_value"] = P.to_engine(raw, self.units.get(path, ""))
            except (ValueError, ArithmeticError):
                self.add_error("value", f"新值“{raw}”不是数字：请填写数字"
                               + ("（百分数，如 5 表示 5%）。" if self.units.get(path) == P.RATE else "。"))
        return data
