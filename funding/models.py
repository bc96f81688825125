"""Programmes and budgets, claims on a workflow declared as data, evidence, the append-only ledger and the blacklist.

Money rules live in the database as well as in ``services``: a decided amount never exceeds the claim's ceiling (check
constraint), a claim is never duplicated for the same organisation, provision and qualifying event (unique
constraint), an idempotency key pays once (unique constraint), and ledger rows can only be inserted (pgtrigger on
PostgreSQL, raw triggers on SQLite: migration 0002).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django_fsm import GET_STATE, FSMField, transition

from core.crypto import EncryptedCharField, ciphertext_max
from funding import workflow

ZERO = Decimal(0)
SUMMARY_MAX = 5000  # 申报说明, characters
#: ASCII digits only: str.isdigit() also takes ², １ and ٣, which reach the payment batch
BANK_ACCOUNT_DIGITS = RegexValidator(r"^[0-9]{8,32}\Z", "银行账号：请填写 8–32 位阿拉伯数字 0–9。")


class FundingSource(models.TextChoices):
    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    PROVINCE = "province", "省级"


def within(*pairs: Any) -> Q:
    """A CHECK that each named text field is at most its length (SQLite ignores max_length; TextField has none)."""
    return Q(*(LessThanOrEqual(Length(name), limit) for name, limit in zip(pairs[::2], pairs[1::2], strict=True)))


def _workflow_roles_check() -> Q:
    """The database's half of ``workflow.validate``: no non-staff role declared for a step that checks, decides or
    pays (an admin or a raw UPDATE cannot let an applicant decide its own claim)."""
    bad = Q()
    for t in workflow.TRANSITIONS:
        if t.name in workflow.APPLICANT_TRANSITIONS:
            continue
        for role in ("applicant", "enterprise", "provider", *(() if t.name == "review_done" else ("expert",))):
            bad |= Q(**{f"workflow__roles__{t.name}__icontains": f'"{role}"'})
    return ~bad


class ProgrammeKind(models.TextChoices):
    """What a programme pays for; it decides which claims may draw on it (funding.setup.check_claim_kind)."""

    ENTITLEMENT = "entitlement", "政策兑现（含免申即享）"
    CALL = "call", "项目申报（申报指南）"
    VOUCHER = "voucher", "创新券"
    RISK_POOL = "risk_pool", "风险补偿资金池"
    CHALLENGE = "challenge", "揭榜挂帅"
    INCUBATION = "incubation", "孵化奖励"
    TECH_CONTRACT = "tech_contract", "技术合同补助"


class Programme(models.Model):
    """A 专项 for one year, e.g. 科技创新发展专项资金 2024; its workflow is data (see funding.workflow)."""

    name = models.CharField("专项名称", max_length=120)
    kind = models.CharField("专项类型", max_length=16, choices=ProgrammeKind.choices,
                            default=ProgrammeKind.ENTITLEMENT)
    year = models.PositiveSmallIntegerField("年度")
    legal_basis = models.CharField("设立依据", max_length=200, blank=True, help_text="如 威政发〔2018〕20号。")
    workflow = models.JSONField("流程定义", default=workflow.default_workflow,
                                help_text="步骤与各操作的角色，见 funding/workflow.py。")
    required_attachments = models.JSONField("必交材料", default=list, blank=True,
                                            help_text="申报时必须上传的材料名称，如 [\"申报书\"]。")
    publicity_days = models.PositiveSmallIntegerField("公示天数", default=5)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "专项"
        verbose_name_plural = "专项"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="programme_once_per_year"),
                       models.CheckConstraint(condition=_workflow_roles_check(), name="programme_workflow_staff_acts",
                                              violation_error_message="流程权限：审核、决定和拨付只能由政府部门办理。")]

    def __str__(self) -> str:
        return f"{self.year} 年度{self.name}"

    def clean(self) -> None:
        try:
            self.workflow = workflow.validate(self.workflow or {})
        except workflow.WorkflowError as exc:
            raise ValidationError({"workflow": str(exc)}) from exc


class BudgetLine(models.Model):
    programme = models.ForeignKey(Programme, verbose_name="专项", on_delete=models.PROTECT,
                                  related_name="budget_lines")
    name = models.CharField("预算科目", max_length=120)
    source = models.CharField("资金来源", max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField("预算金额(元)", max_digits=16, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"), "预算金额须大于 0。")])
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="财政确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("财政确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "预算科目"
        verbose_name_plural = "预算科目"
        ordering = ["programme", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.name}（{self.get_source_display()}）"


class Call(models.Model):
    """A 申报指南: a window, an eligibility rule evaluated by the policy engine or the registry, a ceiling."""

    programme = models.ForeignKey(Programme, verbose_name="专项", on_delete=models.PROTECT, related_name="calls")
    title = models.CharField("指南名称", max_length=200)
    description = models.TextField("申报要求", blank=True, max_length=SUMMARY_MAX)
    opens_at = models.DateTimeField("申报开始")
    closes_at = models.DateTimeField("申报截止")
    provision_id = models.CharField("对应条款", max_length=120, blank=True,
                                    help_text="填写时，申报单位须经政策引擎测算符合该条款。")
    required_qualification = models.CharField("须具备资质", max_length=32, blank=True,
                                              help_text="registry 资质代码，如 high_tech_enterprise。")
    max_amount = models.DecimalField("资助上限(元)", max_digits=16, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0.01"), "资助上限须大于 0。")])
    document = models.CharField("依据文件", max_length=120, blank=True)
    article = models.CharField("依据条款", max_length=60, blank=True)

    class Meta:
        verbose_name = "申报指南"
        verbose_name_plural = "申报指南"
        ordering = ["-opens_at"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                              name="call_window_order"),
                       models.CheckConstraint(condition=within("description", SUMMARY_MAX), name="call_text_bounded")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.programme_id and self.programme.kind not in ("entitlement", "call", "challenge"):
            raise ValidationError({"programme": f"专项：「{self.programme}」是{self.programme.get_kind_display()}专项，"
                                                "申报指南请选择项目申报专项。"})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "申报截止时间须晚于申报开始时间。"})


def _first_step(claim: Claim, *args, **kwargs) -> str:
    return workflow.next_step(claim.programme.workflow, None, claim.is_ceiling)


def _next_step(claim: Claim, *args, **kwargs) -> str:
    return workflow.next_step(claim.programme.workflow, claim.state, claim.is_ceiling)


def _may(t: workflow.Transition):
    def permission(claim: Claim, user) -> bool:
        from funding import access

        return access.may_fire(user, claim, t.name)
    return permission


def _transition_method(t: workflow.Transition):
    if t.target == "first":
        target = GET_STATE(_first_step, states=workflow.STEPS)
    elif t.target == "next":
        target = GET_STATE(_next_step, states=workflow.STEPS)
    else:
        target = t.target

    @transition(field="state", source=list(t.sources), target=target, permission=_may(t))
    def method(self) -> None:
        """State change only: the service (funding.services.perform) writes money, history and notices."""

    method.__name__ = t.name
    return method


# django-fsm collects transitions from the class's members when the model is prepared: build them from the table.
ClaimTransitions = type("ClaimTransitions", (), {t.name: _transition_method(t) for t in workflow.TRANSITIONS})


class Claim(ClaimTransitions, models.Model):
    """A policy redemption (政策兑现), a 免申即享 claim or an application to a call: one lifecycle."""

    class Origin(models.TextChoices):
        REDEMPTION = "redemption", "政策兑现（企业申报）"
        PROACTIVE = "proactive", "免申即享"
        CALL = "call", "申报指南"

    programme = models.ForeignKey(Programme, verbose_name="专项", on_delete=models.PROTECT, related_name="claims")
    call = models.ForeignKey(Call, verbose_name="申报指南", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="claims")
    organization = models.ForeignKey("registry.Organization", verbose_name="申报单位", on_delete=models.PROTECT,
                                     related_name="funding_claims")
    origin = models.CharField("来源", max_length=12, choices=Origin.choices)
    provision_id = models.CharField("条款", max_length=120, blank=True)
    title = models.CharField("事项", max_length=200)
    document = models.CharField("依据文件", max_length=120, blank=True)
    article = models.CharField("依据条款", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    event_key = models.CharField("资格事件", max_length=120, blank=True, default="",
                                 help_text="同一单位同一条款同一年度的不同资格事件用此区分。")
    is_ceiling = models.BooleanField("上限（最高/择优）", default=False)
    entitled_amount = models.DecimalField("应享金额或上限(元)", max_digits=16, decimal_places=2,
                                          validators=[MinValueValidator(Decimal("0.01"), "金额须大于 0。")])
    decided_amount = models.DecimalField("决定金额(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    budget_line = models.ForeignKey(BudgetLine, verbose_name="预算科目", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="claims")
    explanation = models.TextField("测算说明（快照）", blank=True)
    project_title = models.CharField("项目名称", max_length=200, blank=True)
    summary = models.TextField("申报说明", blank=True, max_length=SUMMARY_MAX)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = EncryptedCharField("银行账号", max_length=40, blank=True, validators=[BANK_ACCOUNT_DIGITS])
    screening_result = models.ForeignKey("screening.ScreeningResult", verbose_name="筛查结果", null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    state = FSMField("状态", default="draft", choices=workflow.STATE_CHOICES,
                     db_index=True)
    scores = models.JSONField("评审意见", default=dict, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    acceptance_due = models.DateField("应验收日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "provision_id", "year", "event_key"],
                                    condition=~Q(provision_id=""), name="claim_once_per_event"),
            models.UniqueConstraint(fields=["organization", "call"], condition=Q(call__isnull=False),
                                    name="claim_once_per_call"),
            models.CheckConstraint(condition=within("project_title", 200, "summary", SUMMARY_MAX, "bank_name", 100,
                                                    "bank_account", ciphertext_max(40), "title", 200),
                                   name="claim_text_bounded"),
            models.CheckConstraint(condition=Q(decided_amount__isnull=True)
                                   | Q(decided_amount__gt=0, decided_amount__lte=models.F("entitled_amount")),
                                   name="claim_decided_within_ceiling"),
        ]
        indexes = [models.Index(fields=["organization", "state"]), models.Index(fields=["programme", "state"]),
                   # 我的申报's page: an organisation's newest claims read from the index, not all of them sorted
                   models.Index(fields=["organization", "-id"], name="claim_org_newest_first")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.title}"

    @property
    def applicant_state(self) -> str:
        return workflow.applicant_label(self.state)

    @property
    def internal_state(self) -> str:
        return workflow.internal_label(self.state)

    @property
    def holder(self) -> str:
        return workflow.HOLDERS.get(self.state, "")

    @property
    def citation(self) -> str:
        return f"{self.document} {self.article}".strip()

    def clean(self) -> None:
        from funding.setup import kind_error

        error = kind_error(self) if self.programme_id else ""
        if error:
            raise ValidationError({"programme": error})
        if self.decided_amount is not None and self.entitled_amount is not None \
                and self.decided_amount > self.entitled_amount:
            raise ValidationError({"decided_amount": f"决定金额不能超过上限 {self.entitled_amount:,.2f} 元，请调低。"})


EVENT_LABELS = {"create": "创建", "attach": "上传材料", "objection": "公示异议", "task_book": "下达任务书",
                "midterm": "中期检查", "acceptance": "项目验收", "grade": "绩效评价", "review_round": "专家评审",
                "change_filed": "提出变更申请", "change_decided": "变更审批", "terminate": "终止项目",
                "close_out": "结题", "bank_return": "银行回单"}


class ClaimEvent(models.Model):
    """One step of a claim's history: who, when, from which state to which, and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("操作", max_length=40)
    from_state = models.CharField("原状态", max_length=24)
    to_state = models.CharField("新状态", max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("理由/意见", blank=True, max_length=4000)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=within("reason", 4000), name="claim_event_text_bounded")]

    @property
    def label(self) -> str:
        t = workflow.BY_NAME.get(self.transition)
        return t.label if t else EVENT_LABELS.get(
            self.transition, self.transition)


class Attachment(models.Model):
    """Evidence: the bytes are kept in the database with the claim (one transaction, no orphan files)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField("材料名称", max_length=60)
    filename = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("文件校验码", max_length=64)
    data = models.BinaryField("内容")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["claim", "sha256"], name="attachment_once_per_claim")]

    @property
    def size_text(self) -> str:
        """"0.1 KB", "356.2 KB", "2.4 MB": the size as a user reads it (no 字节)."""
        if self.size < 1024 * 1024:
            return f"{max(self.size / 1024, 0.1):.1f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


OBJECTION_MAX = 2000


class Objection(models.Model):
    """An objection filed during 公示 by a logged-in account (one open objection per account and claim); payment
    waits until every objection of the claim is resolved."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="objections")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出账户", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    filed_by = models.CharField("异议人", max_length=60)
    contact = EncryptedCharField("联系方式", max_length=60, blank=True)
    text = models.TextField("异议内容", max_length=OBJECTION_MAX)
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        ordering = ["filed_at"]
        constraints = [
            models.CheckConstraint(condition=within("text", OBJECTION_MAX, "resolution", 2000, "filed_by", 60,
                                                    "contact", ciphertext_max(60)), name="objection_text_bounded"),
            models.UniqueConstraint(fields=["claim", "account"], condition=Q(resolved_at__isnull=True),
                                    name="objection_one_open_per_account"),
        ]


class LedgerEntry(models.Model):
    """One append-only row of the fund ledger. ``committed_delta``/``paid_delta`` make balances plain sums:
    commitment (+c), payment (−c, +p), reversal (the opposite of the entry it reverses), clawback (−p)."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", "承诺（立项/决定）"
        PAYMENT = "payment", "拨付"
        REVERSAL = "reversal", "冲销"
        CLAWBACK = "clawback", "追回"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    budget_line = models.ForeignKey(BudgetLine, verbose_name="预算科目", on_delete=models.PROTECT,
                                    related_name="entries")
    organization = models.ForeignKey("registry.Organization", verbose_name="收款单位", on_delete=models.PROTECT,
                                     related_name="ledger_entries")
    claim = models.ForeignKey(Claim, verbose_name="执行的决定", on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField("金额(元)", max_digits=16, decimal_places=2)
    committed_delta = models.DecimalField(max_digits=16, decimal_places=2)
    paid_delta = models.DecimalField(max_digits=16, decimal_places=2)
    decision = models.CharField("决定", max_length=200)
    document = models.CharField("依据文件", max_length=120)
    article = models.CharField("依据条款", max_length=60)
    provision_id = models.CharField("条款", max_length=120, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    idempotency_key = models.CharField("付款参考号", max_length=120, unique=True)
    reverses = models.ForeignKey("self", verbose_name="冲销的分录", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reversed_by")
    bank_account = EncryptedCharField("收款账号", max_length=40, blank=True)
    memo = models.CharField("摘要", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金台账分录"
        verbose_name_plural = "资金台账"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.UniqueConstraint(fields=["reverses"], condition=Q(reverses__isnull=False),
                                    name="ledger_reversed_once"),
        ]
        indexes = [models.Index(fields=["budget_line", "kind"]),
                   models.Index(fields=["organization", "provision_id", "year"])]
        triggers = [
            pgtrigger.Protect(name="ledger_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # TRUNCATE of a ledger that holds rows is refused; an empty table may be truncated (test flushes).
            pgtrigger.Trigger(name="ledger_no_truncate", operation=pgtrigger.Truncate, level=pgtrigger.Statement,
                              when=pgtrigger.Before,
                              func="IF EXISTS (SELECT 1 FROM funding_ledgerentry) THEN RAISE EXCEPTION "
                                   "'funding_ledgerentry is append-only: TRUNCATE refused'; END IF; RETURN NULL;"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,.2f} 元 · {self.organization_id}"


class LineTotals(models.Model):
    """Running sums of one budget line's entries, kept in the same transaction as each entry (services._append) so
    that a decision under the line's row lock need not re-add the whole ledger. The ledger stays the truth:
    ``manage.py funding check-totals`` (``funding.totals``) compares the two."""

    budget_line = models.OneToOneField(BudgetLine, primary_key=True, on_delete=models.CASCADE, related_name="totals")
    committed = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    paid = models.DecimalField(max_digits=18, decimal_places=2, default=0)


class OrgTotals(models.Model):
    """Running sums of one organisation's entries in one qualifying year (money received = the sum of ``paid`` over
    its years), moved by ``services._append`` in the transaction that writes each entry, under that row's lock (an
    upsert). The ledger stays the truth: ``manage.py funding check-totals`` compares the two."""

    organization = models.ForeignKey("registry.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    committed = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    paid = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="org_totals_once_per_year")]


class CapCounter(models.Model):
    """The lock row of one cap, for every kind of money (``funding.caps``): an organisation's yearly amount under one
    article (每家每年), a talent's or an enterprise's 人才贷 in a year, an enterprise's covered loan balance, an
    institution's exposure, an enterprise's 创新券 in a year. Writers lock it, count what it limits, then write; two
    writers of one cap therefore never both pass. ``cap`` is the limit last checked (for a claim: the engine's
    amount for that organisation and year). A holder that is not an organisation (a person, an institution) is named
    by ``subject`` (a person by a digest of the ID number, never the number itself)."""

    organization = models.ForeignKey("registry.Organization", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    subject = models.CharField(max_length=64, blank=True, default="")
    provision_id = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    cap = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "provision_id", "year"], name="cap_once"),
                       models.UniqueConstraint(fields=["subject", "provision_id", "year"],
                                               condition=Q(organization__isnull=True), name="cap_once_per_subject"),
                       models.CheckConstraint(condition=Q(organization__isnull=False) | ~Q(subject=""),
                                              name="cap_has_holder")]


class BlacklistEntry(models.Model):
    """科研失信名单: a listed organisation (or person of it) cannot apply or be paid during the period."""

    class Reason(models.TextChoices):
        FRAUD = "fraud", "弄虚作假"
        OVERDUE_ACCEPTANCE = "overdue_acceptance", "逾期不验收"
        MISUSE = "misuse", "违规使用资金"
        OTHER = "other", "其他严重失信行为"

    organization = models.ForeignKey("registry.Organization", verbose_name="单位", on_delete=models.PROTECT,
                                     related_name="blacklist_entries")
    person_name = models.CharField("责任人", max_length=40, blank=True)
    reason = models.CharField("失信行为", max_length=24, choices=Reason.choices)
    decision = models.CharField("处理决定（文号）", max_length=120)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    confirmed = models.BooleanField("已确认", default=True, help_text="逾期验收检查生成的建议须经人工确认。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "科研失信名单"
        verbose_name_plural = "科研失信名单"
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="blacklist_period_order")]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "截止日期不能早于起始日期。"})


class Project(models.Model):
    """After 立项: the 任务书 (lead, period, milestones with tranches), 中期检查, 验收 and 绩效评价 of a decided claim."""

    class Grade(models.TextChoices):
        EXCELLENT = "优秀", "优秀"
        GOOD = "良好", "良好"
        PASS = "合格", "合格"
        FAIL = "不合格", "不合格"

    claim = models.OneToOneField(Claim, verbose_name="立项决定", on_delete=models.PROTECT, related_name="project")
    lead = models.CharField("项目负责人/技术总师", max_length=40)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    registry_subject = models.CharField("登记事项代码", max_length=60, blank=True,
                                        help_text="验收/绩效评价写入登记库时的 subject，如 open_challenge_project。")
    midterm_on = models.DateField("中期检查日期", null=True, blank=True)
    midterm_result = models.TextField("中期检查意见", blank=True, max_length=2000)
    midterm_conclusion = models.CharField("中期检查结论", max_length=8, blank=True,
                                          choices=[("通过", "通过"), ("整改", "限期整改"), ("不通过", "不通过")])
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    acceptance_result = models.TextField("验收结论", blank=True, max_length=2000)
    acceptance_passed = models.BooleanField("验收通过", null=True, blank=True)
    grade = models.CharField("绩效评价等次", max_length=8, choices=Grade.choices, blank=True)
    graded_on = models.DateField("绩效评价日期", null=True, blank=True)
    status = models.CharField("项目状态", max_length=12, default="active",
                              choices=[("active", "实施中"), ("terminated", "已终止（待结题）"), ("closed", "已结题")])
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_reason = models.TextField("终止原因", blank=True, max_length=2000)
    clawback_due = models.DecimalField("应追回金额(元)", max_digits=16, decimal_places=2, default=0)
    closed_on = models.DateField("结题日期", null=True, blank=True)

    class Meta:
        verbose_name = "项目（任务书）"
        verbose_name_plural = "项目（任务书）"
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                              name="project_period_order"),
                       models.CheckConstraint(condition=within("midterm_result", 2000, "acceptance_result", 2000,
                                                               "termination_reason", 2000),
                                              name="project_text_bounded")]


class ChangeRequest(models.Model):
    """A change after 立项 (延期, 预算调剂 between unpaid milestones, change of project lead): filed by the applicant,
    approved or refused by the bureau; the change applies only when approved."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", "延期"
        BUDGET = "budget", "预算调剂"
        LEAD = "lead", "变更项目负责人"

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予批准"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField("变更类型", max_length=10, choices=Kind.choices)
    payload = models.JSONField("变更内容", default=dict)
    summary = models.CharField("变更内容", max_length=300)
    reason = models.TextField("变更理由", max_length=2000)
    state = models.CharField("审批状态", max_length=10, choices=State.choices, default=State.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True, max_length=2000)

    class Meta:
        verbose_name = "项目变更"
        verbose_name_plural = "项目变更"
        ordering = ["filed_at", "id"]
        constraints = [models.CheckConstraint(condition=within("reason", 2000, "decision_note", 2000),
                                              name="change_text_bounded")]


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("里程碑", max_length=200)
    due_on = models.DateField("计划完成")
    amount = models.DecimalField("拨付金额(元)", max_digits=16, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"), "金额须大于 0。")])
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive")]


class ChallengeKind(models.TextChoices):
    """威政发〔2023〕5号 第7条: the four kinds of technology a challenge may concern."""

    CHOKEPOINT = "chokepoint", "单个企业的“卡脖子”技术"
    CHAIN = "chain", "产业上下游协同攻关的链条式技术"
    SYSTEM = "system", "系统化集成创新的体系化技术"
    DISRUPTIVE = "disruptive", "引领性且具有裂变前景的颠覆性技术"


class Challenge(models.Model):
    """揭榜挂帅 榜单: a technical problem posted by the bureau on behalf of a lead enterprise."""

    programme = models.ForeignKey(Programme, verbose_name="专项", on_delete=models.PROTECT, related_name="challenges")
    title = models.CharField("榜单名称", max_length=200)
    kind = models.CharField("技术类别", max_length=12, choices=ChallengeKind.choices)
    lead_enterprise = models.ForeignKey("registry.Organization", verbose_name="发榜企业", on_delete=models.PROTECT,
                                        related_name="posted_challenges")
    description = models.TextField("攻关需求", max_length=SUMMARY_MAX)
    bounty = models.DecimalField("榜额(元)", max_digits=16, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"), "榜额须大于 0。")])
    deadline = models.DateTimeField("揭榜截止")
    milestones = models.JSONField("里程碑", default=list, blank=True,
                                  help_text="[{\"title\":…, \"months\":…, \"share\":0.3}]，share 合计为 1。")
    selected = models.ForeignKey("ChallengeBid", verbose_name="入选团队", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "揭榜挂帅榜单"
        verbose_name_plural = "揭榜挂帅榜单"
        ordering = ["-deadline"]
        constraints = [models.CheckConstraint(condition=Q(bounty__gt=0), name="challenge_bounty_positive"),
                       models.CheckConstraint(condition=within("description", SUMMARY_MAX),
                                              name="challenge_text_bounded")]


class ChallengeBid(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="bids")
    organization = models.ForeignKey("registry.Organization", verbose_name="揭榜单位", on_delete=models.PROTECT,
                                     related_name="challenge_bids")
    team_lead = models.CharField("团队负责人", max_length=40)
    plan = models.TextField("攻关方案", max_length=SUMMARY_MAX)
    bank_account = EncryptedCharField("收款账号", max_length=40, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "organization"], name="bid_once"),
                       models.CheckConstraint(condition=within("plan", SUMMARY_MAX), name="bid_text_bounded")]


class BankReturn(models.Model):
    """One imported bank return file (回单): the same file is imported once (its checksum)."""

    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件校验码", max_length=64, unique=True)
    rows = models.PositiveIntegerField("行数", default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "银行回单"
        verbose_name_plural = "银行回单"
        ordering = ["-imported_at"]


class BankReturnLine(models.Model):
    """The bank's answer for one payment (by its idempotency key): 成功, 失败 or 退票."""

    class Result(models.TextChoices):
        PAID = "paid", "成功"
        FAILED = "failed", "失败"
        RETURNED = "returned", "退票"

    batch = models.ForeignKey(BankReturn, on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey(LedgerEntry, verbose_name="拨付分录", on_delete=models.PROTECT,
                              related_name="bank_lines")
    reference = models.CharField("付款参考号", max_length=120)
    result = models.CharField("银行结果", max_length=10, choices=Result.choices)
    amount = models.DecimalField("银行金额(元)", max_digits=16, decimal_places=2)
    note = models.CharField("银行说明", max_length=200, blank=True)
    reversal = models.ForeignKey(LedgerEntry, verbose_name="冲销分录", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["entry"], name="bank_line_once_per_payment")]
