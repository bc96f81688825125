"""Science-and-technology finance (科技金融): partner institutions and their 备案, loans with schedules and
repayments, insurance policies, risk-compensation pools, loss claims and recoveries.

Documents: 威政发〔2018〕20号 (A) 第19条 (risk compensation, 省、市两级各 35%), 威政发〔2023〕5号 (B) 第23–27条
(interest subsidies, 拨投贷保, IP pledge financing, 科技保险, 科技支行 and 人才贷). Payments out of a pool are entries
of the funding app's append-only ledger; these tables keep the banking facts they rest on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.crypto import EncryptedCharField, LookupKeyField

ZERO = Decimal(0)
#: The largest amount any one loan, premium, loss or contribution may have (1,000 亿元; the columns hold 10¹⁴).
MAX_MONEY = Decimal(100_000_000_000)
#: The dates this app accepts: no loan, repayment or policy of the schemes is older, and none is a century ahead.
DATE_WINDOW = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def _in_window(field: str) -> Q:
    return Q(**{f"{field}__gte": DATE_WINDOW[0], f"{field}__lte": DATE_WINDOW[1]})


class PartnerKind(models.TextChoices):
    BANK = "bank", "合作银行"
    TECH_BRANCH = "tech_branch", "科技支行"
    INSURER = "insurer", "保险机构"
    GUARANTEE = "guarantee", "担保机构"
    INVESTMENT = "investment", "投资机构"


class Scheme(models.TextChoices):
    """The schemes an institution is 备案 with; the first three are the risk-compensation pools of document C 八(三)."""

    TRANSFORMATION_LOAN = "transformation_loan", "科技成果转化贷款风险补偿"
    TALENT_LOAN = "talent_loan", "人才贷风险补偿"
    IP_PLEDGE = "ip_pledge", "知识产权质押融资风险补偿"
    CHOKEPOINT = "chokepoint", "“拨投贷保”卡脖子攻关"
    TECH_BRANCH = "tech_branch", "科技支行"


class Product(models.TextChoices):
    TRANSFORMATION_LOAN = "transformation_loan", "科技成果转化贷款"
    IP_PLEDGE_LOAN = "ip_pledge_loan", "知识产权质押贷款"
    CHOKEPOINT_LOAN = "chokepoint_loan", "卡脖子攻关贷"
    TALENT_LOAN = "talent_loan", "人才贷"
    TECH_BANK_LOAN = "tech_bank_loan", "科技支行普通贷款"


#: The scheme a product's loan must be 备案 with to be covered (compensable) by a pool.
PRODUCT_SCHEME = {
    Product.TRANSFORMATION_LOAN: Scheme.TRANSFORMATION_LOAN, Product.TALENT_LOAN: Scheme.TALENT_LOAN,
    Product.IP_PLEDGE_LOAN: Scheme.IP_PLEDGE, Product.CHOKEPOINT_LOAN: Scheme.CHOKEPOINT,
    Product.TECH_BANK_LOAN: Scheme.TECH_BRANCH,
}


class Collateral(models.TextChoices):
    CREDIT = "credit", "信用（无抵质押）"
    IP_PLEDGE = "ip_pledge", "知识产权质押"
    EQUITY_PLEDGE = "equity_pledge", "股权质押"
    REAL_ESTATE = "real_estate", "不动产抵押"
    GUARANTEE = "guarantee", "担保"


class Partner(models.Model):
    """A partner financial institution; its organisation (a 科技金融 service provider) holds the accounts."""

    organization = models.OneToOneField("registry.Organization", verbose_name="机构", on_delete=models.PROTECT,
                                        related_name="finance_partner")
    kind = models.CharField("机构类别", max_length=16, choices=PartnerKind.choices)
    parent = models.ForeignKey("self", verbose_name="上级银行", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="branches", help_text="科技支行所属的银行。")
    suspended_on = models.DateField("暂停合作日期", null=True, blank=True,
                                    help_text="损失率超过阈值的合作银行暂停新增备案。")

    class Meta:
        verbose_name = "合作金融机构"
        verbose_name_plural = "合作金融机构"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.organization.name

    def clean(self) -> None:
        if self.kind == PartnerKind.TECH_BRANCH and self.parent_id is None:
            raise ValidationError({"parent": "科技支行须选择所属银行。"})


class PartnerFiling(models.Model):
    """An institution's 备案 with a scheme: in force from ``filed_on`` until ``revoked_on``."""

    partner = models.ForeignKey(Partner, verbose_name="机构", on_delete=models.CASCADE, related_name="filings")
    scheme = models.CharField("备案事项", max_length=24, choices=Scheme.choices)
    filed_on = models.DateField("备案日期")
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    exposure_limit = models.DecimalField("风险补偿敞口上限(元)", max_digits=16, decimal_places=2, null=True,
                                         blank=True, help_text="该行纳入风险补偿的贷款余额上限；空=不限。")

    class Meta:
        verbose_name = "机构备案"
        verbose_name_plural = "机构备案"
        constraints = [models.UniqueConstraint(fields=["partner", "scheme", "filed_on"], name="filing_once"),
                       models.CheckConstraint(condition=Q(revoked_on__isnull=True)
                                              | Q(revoked_on__gte=models.F("filed_on")), name="filing_order")]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_scheme_display()}"

    def in_force(self, on: dt.date) -> bool:
        return self.filed_on <= on and (self.revoked_on is None or on < self.revoked_on)


class Loan(models.Model):
    """A loan registered by the lending institution. ``filed_on`` is the loan's own 备案 with the scheme's pool
    (a loan must be 备案 before its default to be compensable); ``filing_revoked_on`` when its condition failed."""

    lender = models.ForeignKey(Partner, verbose_name="贷款机构", on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey("registry.Organization", verbose_name="借款主体", on_delete=models.PROTECT,
                                 related_name="loans")
    product = models.CharField("贷款产品", max_length=24, choices=Product.choices, db_index=True)
    contract_no = models.CharField("合同编号", max_length=60)
    contract_date = models.DateField("合同签订日", db_index=True)
    amount = models.DecimalField("贷款金额(元)", max_digits=16, decimal_places=2)
    term_months = models.PositiveSmallIntegerField("期限(月)")
    rate = models.DecimalField("年利率(%)", max_digits=6, decimal_places=3)
    collateral = models.CharField("担保方式", max_length=16, choices=Collateral.choices)
    talent_name = models.CharField("高层次人才姓名", max_length=40, blank=True, help_text="人才贷必填。")
    talent_id = EncryptedCharField("人才证件号", max_length=40, blank=True, help_text="人才贷必填，用于每人额度控制。")
    talent_key = LookupKeyField("人才证件号查询摘要", source="talent_id")
    filed_on = models.DateField("风险补偿备案日期", null=True, blank=True)
    filing_revoked_on = models.DateField("备案撤销日期", null=True, blank=True)
    defaulted_on = models.DateField("违约日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "贷款"
        verbose_name_plural = "贷款"
        ordering = ["-contract_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lender", "contract_no"], name="loan_contract_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(amount__lte=MAX_MONEY), name="loan_amount_bounded"),
            models.CheckConstraint(condition=_in_window("contract_date"), name="loan_contract_date_window"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_term_positive"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="loan_rate_not_negative"),
        ]
        indexes = [models.Index(fields=["borrower", "product"]), models.Index(fields=["lender", "product"])]

    def __str__(self) -> str:
        return f"{self.get_product_display()} {self.contract_no}"

    @property
    def maturity(self) -> dt.date:
        """Calendar months, keeping the month's end: 2026-11-30 + 12 → 2027-11-30; 01-31 + 1 → 02-28 (29)."""
        return self.contract_date + relativedelta(months=self.term_months)

    @property
    def scheme(self) -> str:
        return PRODUCT_SCHEME[Product(self.product)]

    def filed(self, on: dt.date) -> bool:
        return bool(self.filed_on and self.filed_on <= on
                    and (self.filing_revoked_on is None or on < self.filing_revoked_on))

    def clean(self) -> None:
        if self.contract_date and self.contract_date > dt.date.today():
            raise ValidationError({"contract_date": "合同签订日不能晚于今天，请核对合同。"})
        if self.contract_date and not DATE_WINDOW[0] <= self.contract_date <= DATE_WINDOW[1]:
            raise ValidationError({"contract_date": f"合同签订日须在 {DATE_WINDOW[0]} 至 {DATE_WINDOW[1]} 之间，请核对年份。"})
        if self.amount is not None and not ZERO < self.amount <= MAX_MONEY:
            raise ValidationError({"amount": "贷款金额须大于 0 元，且不超过 1,000 亿元。"})


class ScheduledRepayment(models.Model):
    loan = models.ForeignKey(Loan, verbose_name="贷款", on_delete=models.CASCADE, related_name="schedule")
    due_on = models.DateField("应还日期")
    principal = models.DecimalField("应还本金(元)", max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "还款计划"
        verbose_name_plural = "还款计划"
        ordering = ["due_on"]
        constraints = [models.CheckConstraint(condition=Q(principal__gt=0), name="schedule_positive"),
                       models.CheckConstraint(condition=_in_window("due_on"), name="schedule_date_window")]


class Repayment(models.Model):
    """An actual repayment; never above the balance outstanding on its day (services check it under a lock)."""

    loan = models.ForeignKey(Loan, verbose_name="贷款", on_delete=models.CASCADE, related_name="repayments")
    paid_on = models.DateField("还款日期")
    principal = models.DecimalField("归还本金(元)", max_digits=16, decimal_places=2)
    interest = models.DecimalField("支付利息(元)", max_digits=16, decimal_places=2, default=ZERO)
    on_time = models.BooleanField("按时", default=True)

    class Meta:
        verbose_name = "实际还款"
        verbose_name_plural = "实际还款"
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(principal__gte=0) & Q(interest__gte=0),
                                              name="repayment_not_negative"),
                       models.CheckConstraint(condition=_in_window("paid_on"), name="repayment_date_window")]


class PolicyProduct(models.TextChoices):
    CHOKEPOINT_RD_INSURANCE = "chokepoint_rd_insurance", "卡脖子研发损失险"
    IP_PLEDGE_INSURANCE = "ip_pledge_insurance", "知识产权质押保险"
    TALENT_STARTUP = "talent_startup_insurance", "高层次人才创业保险"
    FIRST_SET = "first_set_insurance", "首台（套）/首批次/首版次保险"


class InsurancePolicy(models.Model):
    insurer = models.ForeignKey(Partner, verbose_name="保险机构", on_delete=models.PROTECT, related_name="policies")
    insured = models.ForeignKey("registry.Organization", verbose_name="投保主体", on_delete=models.PROTECT,
                                related_name="insurance_policies")
    product = models.CharField("险种", max_length=32, choices=PolicyProduct.choices)
    policy_no = models.CharField("保单号", max_length=60)
    start_on = models.DateField("保险起期")
    sum_insured = models.DecimalField("保险金额(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    premium = models.DecimalField("实际支付保费(元)", max_digits=16, decimal_places=2)
    premium_paid_on = models.DateField("保费支付日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "保单"
        verbose_name_plural = "保单"
        ordering = ["-premium_paid_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["insurer", "policy_no"], name="policy_once"),
                       models.CheckConstraint(condition=Q(premium__gt=0), name="premium_positive")]

    def __str__(self) -> str:
        return f"{self.get_product_display()} {self.policy_no}"


class RiskPool(models.Model):
    """A city risk-compensation pool of one scheme; its money is a funding programme's budget lines (city funds),
    its payments and recoveries are ledger entries. The province's share is recorded apart (``PoolContribution``)."""

    scheme = models.CharField("资金池", max_length=24, choices=Scheme.choices, unique=True)
    programme = models.OneToOneField("funding.Programme", verbose_name="专项", on_delete=models.PROTECT,
                                     related_name="risk_pool")
    city_share = models.DecimalField("市级补偿比例", max_digits=5, decimal_places=4, default=Decimal("0.35"))
    province_share = models.DecimalField("省级补偿比例", max_digits=5, decimal_places=4, default=Decimal("0.35"))
    days_overdue_trigger = models.PositiveSmallIntegerField("逾期触发天数", default=90)
    claim_deadline_days = models.PositiveSmallIntegerField("申请补偿期限(天)", default=180)
    loss_rate_threshold = models.DecimalField("暂停合作的损失率阈值", max_digits=5, decimal_places=4,
                                              default=Decimal("0.05"))

    class Meta:
        verbose_name = "风险补偿资金池"
        verbose_name_plural = "风险补偿资金池"

    def __str__(self) -> str:
        return self.get_scheme_display()


class PoolContribution(models.Model):
    """Money put into a pool: city funds become a budget line of the pool's programme; province funds are recorded
    here only (the province pays its own 35% share)."""

    class Source(models.TextChoices):
        CITY = "city", "市级"
        PROVINCE = "province", "省级"

    pool = models.ForeignKey(RiskPool, verbose_name="资金池", on_delete=models.PROTECT, related_name="contributions")
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    amount = models.DecimalField("金额(元)", max_digits=16, decimal_places=2)
    received_on = models.DateField("到位日期")
    budget_line = models.OneToOneField("funding.BudgetLine", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资金池注资"
        verbose_name_plural = "资金池注资"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive")]


class LossClaim(models.Model):
    """A bank's claim for compensation of a loss on a defaulted, 备案 loan; paid through a funding claim."""

    loan = models.OneToOneField(Loan, verbose_name="贷款", on_delete=models.PROTECT, related_name="loss_claim")
    pool = models.ForeignKey(RiskPool, verbose_name="资金池", on_delete=models.PROTECT, related_name="loss_claims")
    loss = models.DecimalField("损失本金(元)", max_digits=16, decimal_places=2)
    days_overdue = models.PositiveIntegerField("逾期天数")
    filed_on = models.DateField("申请日期")
    city_amount = models.DecimalField("市级补偿(元)", max_digits=16, decimal_places=2)
    province_amount = models.DecimalField("省级补偿(元)", max_digits=16, decimal_places=2)
    claim = models.OneToOneField("funding.Claim", verbose_name="资金申报", on_delete=models.PROTECT,
                                 related_name="loss_claim")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "风险补偿申请"
        verbose_name_plural = "风险补偿申请"
        ordering = ["-filed_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(loss__gt=0), name="loss_positive")]


class Recovery(models.Model):
    """Money recovered after compensation, shared pro rata: province, city (back into the pool) and bank."""

    loss_claim = models.ForeignKey(LossClaim, verbose_name="补偿申请", on_delete=models.PROTECT,
                                   related_name="recoveries")
    amount = models.DecimalField("追回金额(元)", max_digits=16, decimal_places=2)
    recovered_on = models.DateField("追回日期")
    city_amount = models.DecimalField("返还市级资金池(元)", max_digits=16, decimal_places=2)
    province_amount = models.DecimalField("返还省级(元)", max_digits=16, decimal_places=2)
    bank_amount = models.DecimalField("银行留存(元)", max_digits=16, decimal_places=2)
    ledger_entry = models.OneToOneField("funding.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "追偿回收"
        verbose_name_plural = "追偿回收"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_positive")]
