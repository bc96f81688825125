"""Page forms: plain fields; the services check them (one set of rules for pages, API and Excel)."""

from __future__ import annotations

from django import forms

from scifinance.models import Collateral, PolicyProduct, Product


class LoanForm(forms.Form):
    borrower_uscc = forms.CharField(label="借款人统一社会信用代码", max_length=18)
    product = forms.ChoiceField(label="贷款产品", choices=Product.choices)
    contract_no = forms.CharField(label="合同编号", max_length=60)
    contract_date = forms.CharField(label="合同签订日", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(label="贷款金额(元)")
    term_months = forms.CharField(label="期限(月)")
    rate = forms.CharField(label="年利率(%)")
    collateral = forms.ChoiceField(label="担保方式", choices=Collateral.choices)
    talent_name = forms.CharField(label="高层次人才姓名（人才贷）", required=False)
    talent_id = forms.CharField(label="人才证件号（人才贷）", required=False)


class RepaymentForm(forms.Form):
    paid_on = forms.CharField(label="还款日期", widget=forms.DateInput(attrs={"type": "date"}))
    principal = forms.CharField(label="归还本金(元)")
    interest = forms.CharField(label="支付利息(元)", required=False)


class PolicyForm(forms.Form):
    insured_uscc = forms.CharField(label="投保人统一社会信用代码", max_length=18)
    product = forms.ChoiceField(label="险种", choices=PolicyProduct.choices)
    policy_no = forms.CharField(label="保单号", max_length=60)
    start_on = forms.CharField(label="保险起期", widget=forms.DateInput(attrs={"type": "date"}))
    premium = forms.CharField(label="实际支付保费(元)")
    premium_paid_on = forms.CharField(label="保费支付日期", widget=forms.DateInput(attrs={"type": "date"}))


class LossClaimForm(forms.Form):
    loss = forms.CharField(label="损失本金(元)")
    filed_on = forms.CharField(label="申请日期", widget=forms.DateInput(attrs={"type": "date"}))
    bank_name = forms.CharField(label="开户银行", required=False)
    bank_account = forms.CharField(label="收款账号")
    evidence = forms.FileField(label="违约与追偿证明材料（PDF 或图片）")


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
