"""The public policy calculator: a short form of facts turned into a situation for the engine.

The situation's shape is the engine's (policy.services.evaluate_situation); this module only gathers the facts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from registry.models import Level, OrganizationKind, PlatformType, QualificationKind, Region
from screening import engine


class CalculatorForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year - 1,
                              error_messages={"required": "请填写年度。", "invalid": "年度须为四位数字。"})
    kind = forms.ChoiceField(label="主体类别", choices=OrganizationKind.choices, initial=OrganizationKind.ENTERPRISE)
    region = forms.ChoiceField(label="所在区市/功能区", choices=())
    qualifications = forms.MultipleChoiceField(label="当年有效的资质", required=False, choices=QualificationKind.choices,
                                               widget=forms.CheckboxSelectMultiple)
    newly_certified = forms.MultipleChoiceField(
        label="当年新获得（首次认定）", required=False, choices=QualificationKind.choices,
        widget=forms.CheckboxSelectMultiple)
    sales_revenue = forms.DecimalField(label="销售收入(元)", required=False, min_value=0, max_digits=16, decimal_places=2,
                                       error_messages={"min_value": "销售收入不能为负数。"})
    rd_expense = forms.DecimalField(label="研发投入(元)", required=False, min_value=0, max_digits=16, decimal_places=2,
                                    error_messages={"min_value": "研发投入不能为负数。"})
    rd_expense_prev = forms.DecimalField(label="上年研发投入(元)", required=False, min_value=0, max_digits=16,
                                         decimal_places=2, error_messages={"min_value": "上年研发投入不能为负数。"})
    sales_revenue_3y = forms.DecimalField(label="三年前销售收入(元)", required=False, min_value=0, max_digits=16,
                                          decimal_places=2, error_messages={"min_value": "销售收入不能为负数。"})
    employees = forms.IntegerField(label="从业人员(人)", required=False, min_value=0)
    rd_staff = forms.IntegerField(label="研发人员(人)", required=False, min_value=0)
    platform_type = forms.ChoiceField(label="当年获批平台/载体", required=False,
                                      choices=[("", "（无）")] + list(PlatformType.choices))
    platform_level = forms.ChoiceField(label="平台级别", required=False, choices=[("", "（无）")] + list(Level.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (r.code, r.name) for r in Region.objects.exclude(kind__in=[Region.Kind.CITY, Region.Kind.TOWN])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        staff, employees = data.get("rd_staff"), data.get("employees")
        if staff is not None and employees is not None and staff > employees:
            self.add_error("rd_staff", "研发人员不能多于从业人员，请核对。")
        if bool(data.get("platform_type")) != bool(data.get("platform_level")):
            self.add_error("platform_level", "填写获批平台时请同时选择平台类别和级别。")
        return data


def to_situation(d: dict[str, Any]) -> dict[str, Any]:
    """Form facts → the engine's situation (registry vocabulary: the same names as the models)."""
    year = d["year"]
    held = set(d.get("qualifications") or []) | set(d.get("newly_certified") or [])
    qualifications = [
        {"kind": kind, "valid_from": f"{year}-01-01" if kind in (d.get("newly_certified") or []) else f"{year - 1}-01-01",
         "valid_to": f"{year + 2}-12-31",
         "certification": "first_certification" if kind in (d.get("newly_certified") or []) else "recertification"}
        for kind in sorted(held)
    ]
    recognitions = []
    if d.get("platform_type"):
        recognitions.append({"kind": "platform_approval", "subject": d["platform_type"], "level": d["platform_level"],
                             "occurred_on": f"{year}-06-30"})
    facts = {k: str(d[k]) for k in ("sales_revenue", "rd_expense", "employees", "rd_staff") if d.get(k) is not None}
    annual = {str(year): facts}
    if d.get("rd_expense_prev") is not None:
        annual[str(year - 1)] = {"rd_expense": str(d["rd_expense_prev"])}
    if d.get("sales_revenue_3y") is not None:
        annual[str(year - 3)] = {"sales_revenue": str(d["sales_revenue_3y"])}
    return {"kind": d["kind"], "region": d["region"], "qualifications": qualifications, "recognitions": recognitions,
            "annual_facts": annual}


def evaluate(d: dict[str, Any]) -> Any:
    return engine.evaluate_situation(to_situation(d), str(d["year"]))
