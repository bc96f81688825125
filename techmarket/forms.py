"""Forms of the technology market pages (validation in the services and models; forms only shape input)."""

from __future__ import annotations

from django import forms

from policy.jurisdiction import current
from registry.models import IndustryChain, Region
from techmarket.models import Achievement, ContractType, MatchContact, Maturity, NeedKind, TechNeed

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NeedForm(forms.ModelForm):
    class Meta:
        model = TechNeed
        fields = ["title", "kind", "industry_chain", "description", "budget_min", "budget_max", "deadline",
                  "confidential"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6}), "deadline": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].required = False  # the service names the missing description in Chinese


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = ["title", "industry_chain", "abstract", "maturity", "trl", "patent_numbers", "transfer_mode",
                  "price_min", "price_max"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 6})}


class MatchFilterForm(forms.Form):
    chain = forms.ModelChoiceField(IndustryChain.objects.all(), required=False, label="产业链")
    region = forms.ModelChoiceField(Region.objects.all(), required=False, label="区市")
    maturity = forms.ChoiceField(choices=[("", "不限"), *Maturity.choices], required=False, label="成熟度")


class ListFilterForm(forms.Form):
    q = forms.CharField(required=False, label="关键词")
    chain = forms.ModelChoiceField(IndustryChain.objects.all(), required=False, label="产业链")
    kind = forms.ChoiceField(choices=[("", "不限"), *NeedKind.choices], required=False, label="需求类别")


class ContactForm(forms.Form):
    kind = forms.ChoiceField(choices=MatchContact.Kind.choices, label="方式")
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="内容", max_length=300)


class ContractForm(forms.Form):
    title = forms.CharField(label="合同名称", max_length=150)
    contract_type = forms.ChoiceField(choices=ContractType.choices, label="合同类型")
    signed_on = forms.DateField(label="签订日期", widget=DATE)
    amount = forms.CharField(label="合同金额（元）")
    transaction_amount = forms.CharField(label="技术交易额（元）", required=False, help_text="不填按合同金额计。")
    buyer_name = forms.CharField(label="买方名称", max_length=120)
    buyer_uscc = forms.CharField(label="买方统一社会信用代码", max_length=18)
    seller_name = forms.CharField(label="卖方名称", max_length=120)
    seller_uscc = forms.CharField(label="卖方统一社会信用代码", max_length=18)
    seller_is_institution = forms.BooleanField(label="卖方为高校院所", required=False)
    seller_local = forms.BooleanField(label="卖方在本市", required=False, initial=True)
    paid_on = forms.DateField(label="已支付日期", widget=DATE, required=False)
    paid_amount = forms.CharField(label="已支付金额（元）", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seller_local"].label = f"卖方在{current().label}"


class RegisterForm(forms.Form):
    registration_number = forms.CharField(label="登记编号", max_length=40)
    registered_on = forms.DateField(label="登记日期", widget=DATE)
    confirmed_amount = forms.CharField(label="核定技术交易额（元）", required=False)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="支付日期", widget=DATE)
    amount = forms.CharField(label="支付金额（元）")
