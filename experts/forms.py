"""Forms of the expert pages: they parse input; services validate and write."""

from __future__ import annotations

import re

from django import forms

from experts.disciplines import code_error
from experts.models import DeclaredRelation, Expert, ReviewRound
from registry.models import IndustryChain, Organization

_SPLIT = re.compile(r"[,，、;；\s]+")


def _codes(text: str) -> list[str]:
    codes = [c for c in _SPLIT.split(text or "") if c]
    errors = [e for e in (code_error(c) for c in codes) if e]
    if errors:
        raise forms.ValidationError(errors)
    return codes


def find_organization(text: str) -> Organization | None:
    text = (text or "").strip()
    if not text:
        return None
    return Organization.objects.filter(uscc=text.upper()).first() or Organization.objects.filter(name=text).order_by("id").first()


class ExpertFilterForm(forms.Form):
    q = forms.CharField(label="姓名、单位或关键词", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(Expert.Status.choices))
    chain = forms.ModelChoiceField(label="产业链", required=False, queryset=IndustryChain.objects.all(),
                                   to_field_name="code", empty_label="全部")
    discipline = forms.CharField(label="学科代码", required=False, max_length=7)


class ProfileForm(forms.ModelForm):
    disciplines_text = forms.CharField(label="学科代码（GB/T 13745-2009，多个用顿号分隔）", required=False)

    class Meta:
        model = Expert
        fields = ["title", "chains", "keywords", "achievements"]
        widgets = {"chains": forms.CheckboxSelectMultiple, "achievements": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disciplines_text"].initial = "、".join(self.instance.disciplines or [])

    def clean_disciplines_text(self) -> list[str]:
        return _codes(self.cleaned_data["disciplines_text"])

    def save(self, commit: bool = True) -> Expert:
        self.instance.disciplines = self.cleaned_data["disciplines_text"]
        return super().save(commit)


class UnavailabilityForm(forms.Form):
    start = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "截止日期不能早于起始日期。")
        return data


class RelationForm(forms.Form):
    organization = forms.CharField(label="单位（名称或统一社会信用代码）", max_length=120)
    kind = forms.ChoiceField(label="关系", choices=DeclaredRelation.Kind.choices)
    note = forms.CharField(label="说明", required=False, max_length=100)

    def clean_organization(self) -> Organization:
        org = find_organization(self.cleaned_data["organization"])
        if org is None:
            raise forms.ValidationError("主体库中没有这个单位：请填写完整名称或统一社会信用代码。")
        return org


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class RoundForm(forms.ModelForm):
    criteria_text = forms.CharField(
        label="评审指标（名称:满分，用顿号分隔）", required=False, initial="创新性:30、技术可行性:30、预期效益:25、团队与基础:15",
        help_text="留空则只有一项“综合评价”。")

    class Meta:
        model = ReviewRound
        fields = ["name", "programme", "reviewers_per_item", "min_load", "max_load", "conflict_years",
                  "require_industry", "method", "randomness", "seed", "response_days", "review_start", "deadline"]
        widgets = {"review_start": forms.DateInput(attrs={"type": "date"}),
                   "deadline": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def clean_criteria_text(self) -> list[dict]:
        out = []
        for part in (p for p in re.split(r"[、,，;；\n]+", self.cleaned_data["criteria_text"] or "") if p.strip()):
            name, _, top = part.partition(":") if ":" in part else part.partition("：")
            try:
                value = int(top.strip())
                if value <= 0:
                    raise ValueError
            except ValueError:
                raise forms.ValidationError(f"“{part}”格式不对：应为 指标名称:满分，满分为正整数，如 创新性:30。") from None
            out.append({"name": name.strip(), "max": value})
        return out

    def clean(self):
        data = super().clean()
        if data.get("min_load") is not None and data.get("max_load") is not None and data["max_load"] < data["min_load"]:
            self.add_error("max_load", "每位专家最多评审项数不能小于最少评审项数。")
        return data


class ItemForm(forms.Form):
    title = forms.CharField(label="项目名称", max_length=200)
    keywords = forms.CharField(label="关键词", required=False, max_length=400)
    abstract = forms.CharField(label="摘要", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    disciplines = forms.CharField(label="学科代码", required=False)
    chain = forms.ModelChoiceField(label="产业链", required=False, queryset=IndustryChain.objects.all(), empty_label="（无）")
    applicant = forms.CharField(label="申报单位（名称或统一社会信用代码）", max_length=120)
    participants = forms.CharField(label="参与单位（名称或信用代码，顿号分隔）", required=False)

    def clean_disciplines(self) -> list[str]:
        return _codes(self.cleaned_data["disciplines"])

    def clean_applicant(self) -> Organization:
        org = find_organization(self.cleaned_data["applicant"])
        if org is None:
            raise forms.ValidationError("主体库中没有这个申报单位：请填写完整名称或统一社会信用代码。")
        return org

    def clean_participants(self) -> list[int]:
        out = []
        for part in (p for p in re.split(r"[、,，;；\n]+", self.cleaned_data["participants"] or "") if p.strip()):
            org = find_organization(part)
            if org is None:
                raise forms.ValidationError(f"主体库中没有参与单位“{part}”。")
            out.append(org.pk)
        return out


class PairRuleForm(forms.Form):
    expert = forms.IntegerField(label="专家编号", min_value=1)
    kind = forms.ChoiceField(label="操作", choices=[("pin", "指定"), ("exclude", "排除"), ("", "取消指定/排除")], required=False)


class MatchForm(forms.Form):
    text = forms.CharField(label="技术需求描述", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    chain = forms.ModelChoiceField(label="产业链", required=False, queryset=IndustryChain.objects.all(), empty_label="（不限）")


class ConflictForm(forms.Form):
    reason = forms.CharField(label="回避原因", max_length=200)


class ManualAssignForm(forms.Form):
    """Staff assign or replace a reviewer by hand: picked from the item's eligible experts, with a reason."""

    form = forms.CharField(widget=forms.HiddenInput, initial="manual")
    expert = forms.ChoiceField(label="专家（按匹配度排序，已排除回避）")
    replace = forms.ChoiceField(label="更换", required=False)
    reason = forms.CharField(label="理由", max_length=200, widget=forms.TextInput(attrs={"size": 40}),
                             error_messages={"required": "请写明指定或更换专家的理由（如：原专家出差，改由同领域专家评审）。"})

    def __init__(self, *args, candidates=(), current=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [(str(m.expert.pk), f"{m.expert.name}（{m.expert.org_label}，匹配度 {m.score:.2f}"
                                          + (f"：{'、'.join(m.reasons['terms'][:3])}" if m.reasons["terms"] else "") + "）")
                                         for m in candidates]
        self.fields["replace"].choices = [("", "不更换，增加一位专家")] + [
            (str(a.pk), f"更换 {a.expert.name}") for a in current if a.status == "assigned"]
