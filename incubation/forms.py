"""Forms of the incubation pages (labels and messages in Chinese)."""

from __future__ import annotations

import datetime as dt

from django import forms

from incubation.models import Competition, Entry, Evaluation, ExitReason, Stay

#: A browser date input reads and writes ISO dates only (a localised "2026/12/06" shows as empty and is lost on save).
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


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


class EntryForm(forms.Form):
    series = forms.ChoiceField(label="赛事", choices=Competition.Series.choices)
    name = forms.CharField(label="赛事名称（届次）", max_length=120)
    year = forms.IntegerField(label="年度", min_value=2015, max_value=2100)
    uscc = forms.CharField(label="参赛企业统一社会信用代码", max_length=18, required=False, help_text="团队参赛留空")
    team_name = forms.CharField(label="团队名称", max_length=120, required=False)
    team_leader = forms.CharField(label="团队负责人", max_length=40, required=False)
    project = forms.CharField(label="参赛项目", max_length=120)
    stage_reached = forms.ChoiceField(label="晋级阶段", choices=Entry.Stage.choices)
    reached_on = forms.DateField(label="晋级（入围）日期", widget=DATE)
    excellent_title = forms.BooleanField(label="获全国赛优秀企业称号", required=False)
    landed_on = forms.DateField(label="落地我市注册日期", widget=DATE, required=False)
    physical_investment = forms.DecimalField(label="完成实物工作量(元)", min_value=0, required=False)
    provincial_grade = forms.CharField(label="省级奖项", max_length=30, required=False)
    provincial_amount = forms.DecimalField(label="省级奖金(元)", min_value=0, required=False)
    national_grade = forms.CharField(label="国家级奖项", max_length=30, required=False)
    national_amount = forms.DecimalField(label="国家级奖金(元)", min_value=0, required=False)
    awarded_on = forms.DateField(label="获奖日期", widget=DATE, required=False)

    def prizes(self) -> list[dict]:
        d = self.cleaned_data
        out = []
        for level in ("provincial", "national"):
            if d.get(f"{level}_grade"):
                if not d.get("awarded_on"):
                    self.add_error("awarded_on", "填写了奖项时须填写获奖日期。")
                    continue
                out.append({"level": level, "grade": d[f"{level}_grade"], "amount": d.get(f"{level}_amount") or 0,
                            "awarded_on": d["awarded_on"]})
        return out
