"""The public policy calculator: a short form of facts turned into a situation for the engine.

The situation's shape is the engine's (policy.services.evaluate_situation); this module only gathers the facts.
Every provision the calculator offers (``OFFERED``) is computable from the facts its form asks for: each comes with
an example answer of the form, and a test walks every example through the real engine. Dates are asked, never
invented: the date of a certification or an approval chooses the document in force.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from policy import services as engine
from policy.jurisdiction import CurrentMapping
from registry.models import Level, OrganizationKind, PlatformType, QualificationKind, Region

#: Provision → an example answer of the form under which it applies (the jurisdiction's ``calculator_examples``,
#: walked by screening/tests/test_calculator.py).
OFFERED = CurrentMapping(lambda j: j.calculator_examples)


#: How the form is laid out: (legend, field names).
FIELDSETS = [
    ("基本情况", ("year", "kind", "region")),
    ("资质与认定", ("qualifications", "newly_certified", "certified_on", "certification")),
    ("经营与研发", ("sales_revenue", "sales_revenue_prev", "sales_revenue_3y", "rd_expense", "rd_expense_prev",
                "employees", "rd_staff")),
    ("当年获批的平台/载体", ("platform_type", "platform_level", "platform_approved_on", "platform_role")),
]


def offered_provisions() -> list[dict[str, str]]:
    """The provisions the calculator computes, with their titles and citations (for the page)."""
    from policy.catalogue import BY_ID

    out = []
    for pid in OFFERED:
        p = BY_ID.get(pid)
        if p is not None:
            out.append({"id": pid, "title": p.title, "citation": f"{p.document} {p.article}"})
    return out


def _date_field(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": f"{label}格式应为 年-月-日，如 2025-11-10。"})


def _money_field(label: str, name: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=16, decimal_places=2,
                              widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
                              error_messages={"min_value": f"{name}不能为负数。", "invalid": f"{name}请填写数字（元）。"})


class CalculatorForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year - 1,
                              error_messages={"required": "请填写年度。", "invalid": "年度须为四位数字。"})
    kind = forms.ChoiceField(label="主体类别", choices=OrganizationKind.choices, initial=OrganizationKind.ENTERPRISE)
    region = forms.ChoiceField(label="所在区市/功能区", choices=())
    qualifications = forms.MultipleChoiceField(label="当年有效的资质", required=False, choices=QualificationKind.choices,
                                               widget=forms.CheckboxSelectMultiple)
    newly_certified = forms.MultipleChoiceField(
        label="当年通过认定（首次或重新认定）", required=False, choices=QualificationKind.choices,
        widget=forms.CheckboxSelectMultiple)
    certified_on = _date_field("认定日期", "证书上的发证（认定）日期；决定适用哪份文件。")
    certification = forms.ChoiceField(label="认定类别", required=False, initial="first_certification",
                                      choices=[("first_certification", "首次认定"), ("recertification", "重新认定")])
    sales_revenue = _money_field("当年销售收入（元）", "销售收入")
    sales_revenue_prev = _money_field("上一年销售收入（元）", "上一年销售收入")
    sales_revenue_3y = _money_field("三年前销售收入（元）", "三年前销售收入")
    rd_expense = _money_field("当年研发投入（元）", "研发投入")
    rd_expense_prev = _money_field("上一年研发投入（元）", "上一年研发投入")
    employees = forms.IntegerField(label="从业人员（人）", required=False, min_value=0,
                                   error_messages={"min_value": "从业人员不能为负数。"})
    rd_staff = forms.IntegerField(label="研发人员（人）", required=False, min_value=0,
                                  error_messages={"min_value": "研发人员不能为负数。"})
    platform_type = forms.ChoiceField(label="当年获批平台/载体", required=False,
                                      choices=[("", "（无）")] + list(PlatformType.choices))
    platform_level = forms.ChoiceField(label="平台级别", required=False, choices=[("", "（无）")] + list(Level.choices))
    platform_approved_on = _date_field("平台获批日期", "批复文件的日期；决定适用哪份文件。")
    platform_role = forms.ChoiceField(label="本单位在平台中的角色", required=False, initial="lead",
                                      choices=[("lead", "牵头/依托单位"), ("participant", "参与单位")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (r.code, r.name) for r in Region.objects.exclude(kind__in=[Region.Kind.CITY, Region.Kind.TOWN])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        year = data.get("year")
        staff, employees = data.get("rd_staff"), data.get("employees")
        if staff is not None and employees is not None and staff > employees:
            self.add_error("rd_staff", "研发人员不能多于从业人员，请核对。")
        if bool(data.get("platform_type")) != bool(data.get("platform_level")):
            self.add_error("platform_level", "填写获批平台时请同时选择平台类别和级别。")
        if data.get("platform_type") and not data.get("platform_approved_on"):
            self.add_error("platform_approved_on", "请填写平台获批日期（批复文件日期），它决定适用哪份文件。")
        if data.get("newly_certified") and not data.get("certified_on"):
            self.add_error("certified_on", "请填写认定日期（证书发证日期），它决定适用哪份文件。")
        for name in ("certified_on", "platform_approved_on"):
            day = data.get(name)
            if day and year and day.year != year:
                self.add_error(name, f"{self.fields[name].label}应在所填年度（{year}年）内。")
        return data


def to_situation(d: dict[str, Any]) -> dict[str, Any]:
    """Form facts → the engine's situation (registry vocabulary: the same names as the models)."""
    year = d["year"]
    newly = set(d.get("newly_certified") or [])
    held = set(d.get("qualifications") or []) | newly
    certified_on: dt.date | None = d.get("certified_on")
    qualifications = []
    for kind in sorted(held):
        if kind in newly and certified_on:
            start = certified_on
            end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
        else:  # held all year: a window around the year that does not start in it (not a certification this year)
            start, end = dt.date(year - 1, 1, 1), dt.date(year + 2, 12, 31)
        certification = (d.get("certification") or "first_certification") if kind in newly else "recertification"
        qualifications.append({"kind": kind, "valid_from": start.isoformat(), "valid_to": end.isoformat(),
                               "certification": certification})
    recognitions = []
    if d.get("platform_type") and d.get("platform_approved_on"):
        recognitions.append({"kind": "platform_approval", "subject": d["platform_type"], "level": d["platform_level"],
                             "occurred_on": d["platform_approved_on"].isoformat(),
                             "role": d.get("platform_role") or "lead"})
    facts = {k: str(d[k]) for k in ("sales_revenue", "rd_expense", "employees", "rd_staff") if d.get(k) is not None}
    annual = {str(year): facts}
    prev = {k: str(d[f"{k}_prev"]) for k in ("sales_revenue", "rd_expense") if d.get(f"{k}_prev") is not None}
    if prev:
        annual[str(year - 1)] = prev
    if d.get("sales_revenue_3y") is not None:
        annual[str(year - 3)] = {"sales_revenue": str(d["sales_revenue_3y"])}
    return {"kind": d["kind"], "region": d["region"], "qualifications": qualifications, "recognitions": recognitions,
            "annual_facts": annual}


def evaluate(d: dict[str, Any]) -> Any:
    """The engine's result for the form's facts, limited to the provisions the calculator offers."""
    result = engine.evaluate_situation(to_situation(d), str(d["year"]))
    offered = set(OFFERED)
    result.results = [r for r in result.results if str(r.provision_id) in offered]
    return result
