"""Forms of the incubation pages (labels and messages in Chinese)."""

from __future__ import annotations

import datetime as dt

from django import forms

from incubation.models import Evaluation, ExitReason, Stay

DATE = forms.DateInput(attrs={"type": "date"})


class StayAddForm(forms.Form):
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, required=False,
                           help_text="已注册企业填写；未注册团队留空并填写团队名称和负责人。")
    team_name = forms.CharField(label="团队名称", max_length=120, required=False)
    team_leader = forms.CharField(label="团队负责人", max_length=40, required=False)
    entered_on = forms.DateField(label="入驻日期", widget=DATE)
    space = forms.CharField(label="使用场地", max_length=100, required=False)
    space_m2 = forms.DecimalField(label="场地面积(㎡)", required=False, min_value=0, decimal_places=1)
    services = forms.CharField(label="使用的服务", max_length=200, required=False)
    moved_in = forms.BooleanField(label="从其他载体迁入（原载体记录在入驻日结束）", required=False)


class StayEditForm(forms.ModelForm):
    class Meta:
        model = Stay
        fields = ["entered_on", "space", "space_m2", "services"]
        widgets = {"entered_on": DATE}


class ExitForm(forms.Form):
    exited_on = forms.DateField(label="毕业/退出日期", widget=DATE, initial=dt.date.today)
    reason = forms.ChoiceField(label="原因", choices=[(c.value, c.label) for c in ExitReason if c != ExitReason.MOVED])
    note = forms.CharField(label="说明", max_length=200, required=False)


class IncorporateForm(forms.Form):
    uscc = forms.CharField(label="注册后的统一社会信用代码", max_length=18)
    on = forms.DateField(label="注册日期", widget=DATE, required=False)


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label="评价年度", min_value=2015, max_value=2100)
    grade = forms.ChoiceField(label="评价等次", choices=Evaluation.Grade.choices)
    evaluated_on = forms.DateField(label="结果发布日期", widget=DATE)
    reference = forms.CharField(label="依据文号", max_length=120, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
