"""Forms of the registry pages. Validation messages come from the models' clean() (Chinese, per field)."""

from __future__ import annotations

from django import forms

from registry.models import AnnualFacts, IndustryChain, Level, Organization, OrganizationKind, QualificationKind
from registry.services import regions_for_choice


class DirectoryForm(forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + list(OrganizationKind.choices))
    region = forms.ChoiceField(label="区市/功能区", required=False)
    chain = forms.ChoiceField(label="产业链", required=False)
    qualification = forms.ChoiceField(label="资质（有效）", required=False,
                                      choices=[("", "不限")] + list(QualificationKind.choices))
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "不限")] + list(Level.choices))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [(r.code, r.name) for r in regions_for_choice()]
        self.fields["chain"].choices = [("", "全部")] + [(c.code, c.name) for c in IndustryChain.objects.all()]


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "uscc", "region", "industry_chain", "industry_sector", "established_on", "legal_representative",
                  "address"]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, entity_account: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.exclude(kind="city")
        if entity_account:  # the credit code identifies the account's organisation: only the bureau changes it
            self.fields["uscc"].disabled = True


class AnnualFactsForm(forms.ModelForm):
    #: Where staff may say a hand-entered figure comes from (an entity account's own figures are always 主体填报).
    STAFF_SOURCES = (AnnualFacts.Source.STATISTICS, AnnualFacts.Source.TAX, AnnualFacts.Source.SELF)

    source = forms.ChoiceField(label="数据来源", help_text="这些数字取自哪里；与录入人一起记入变更历史。")

    class Meta:
        model = AnnualFacts
        fields = ["year", *AnnualFacts.FIGURE_FIELDS]

    def __init__(self, *args, organization: Organization, staff: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        if self.instance.pk:
            self.fields["year"].disabled = True
        if staff:
            self.fields["source"].choices = [("", "请选择数据来源")] + [(s.value, s.label) for s in self.STAFF_SOURCES]
            # the figures' current source is kept when it is one staff may state; otherwise staff must say it
            if self.instance.pk and self.instance.source in self.STAFF_SOURCES:
                self.fields["source"].initial = self.instance.source
            self.order_fields(["year", "source"])
        else:
            del self.fields["source"]


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
        return f
