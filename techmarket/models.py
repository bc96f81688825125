"""高新技术市场 (C 八（五）): technical needs (B 第7条), achievements, matches (对接), roadshows and fairs,
科技副总 placements (B 第10条) and registered technology contracts (B 第14条)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from registry.models import IndustryChain, Organization, Person


class ListingStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "已退回"
    EXPIRED = "expired", "已过期"
    CLOSED = "closed", "已关闭"


class NeedKind(models.TextChoices):
    """B 第7条: the four kinds of technical problems collected."""

    CHOKEPOINT = "chokepoint", "“卡脖子”技术"
    CHAIN = "chain", "链条式技术"
    SYSTEM = "system", "体系化技术"
    DISRUPTIVE = "disruptive", "颠覆性技术"


class Maturity(models.TextChoices):
    LAB = "lab", "小试"
    PILOT = "pilot", "中试"
    INDUSTRIAL = "industrial", "产业化"


class TransferMode(models.TextChoices):
    ASSIGNMENT = "assignment", "转让"
    LICENCE = "licence", "许可"
    EQUITY = "equity", "作价入股"
    JOINT_DEVELOPMENT = "joint_development", "合作开发"


EARLIEST = dt.date(1990, 1, 1)  # before any technology contract or need this platform records
TEXT_LIMIT = 5000  # characters of a free text (description, abstract, analysis)
MONEY_LIMIT = Decimal("999999999999.99")  # what max_digits=14, decimal_places=2 holds


def _text(label: str, **kw) -> models.TextField:
    """A free text with a length limit that every path (forms, API, services) enforces, SQLite included."""
    return models.TextField(label, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)], **kw)


def date_error(value: dt.date | None, label: str, *, earliest: dt.date = EARLIEST, latest: dt.date | None = None,
               future_years: int = 10) -> str | None:
    """The Chinese message for a date outside a sensible window (year 0001 or 9999 typed by mistake), else None."""
    if value is None:
        return None
    today = timezone.localdate()
    latest = latest or today.replace(year=today.year + future_years, day=min(today.day, 28))
    if value < earliest:
        return f"{label}：{value.isoformat()} 早于 {earliest.isoformat()}，请核对年份。"
    if value > latest:
        return f"{label}：{value.isoformat()} 晚于 {latest.isoformat()}，请核对年份。"
    return None


def _money(label: str, **kw) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True, **kw)


class Listing(models.Model):
    """What needs and achievements share: owner, chain, moderation before public, expiry and renewal."""

    organization = models.ForeignKey(Organization, verbose_name="发布单位", on_delete=models.CASCADE)
    title = models.CharField("标题", max_length=120)
    industry_chain = models.ForeignKey(IndustryChain, verbose_name="产业链", null=True, blank=True,
                                       on_delete=models.SET_NULL)
    status = models.CharField("状态", max_length=12, choices=ListingStatus.choices, default=ListingStatus.PENDING,
                              db_index=True)
    moderation_note = models.CharField("审核意见", max_length=200, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ListingStatus.PUBLISHED and (self.expires_on is None or self.expires_on >= dt.date.today())


class TechNeed(Listing):
    description = _text("需求描述")
    kind = models.CharField("需求类别（第7条）", max_length=12, choices=NeedKind.choices)
    budget_min = _money("预算下限（元）")
    budget_max = _money("预算上限（元）")
    deadline = models.DateField("期望解决期限", null=True, blank=True)
    confidential = models.BooleanField("保密需求", default=False,
                                       help_text="保密需求的详情只有需求方、工作人员和需求方邀请的单位可见。")
    shared_with = models.ManyToManyField(
        Organization, verbose_name="可查看保密详情的单位", blank=True, related_name="shared_needs",
        help_text="需求方邀请的技术转移机构，以及需求方、工作人员或受邀机构为其发起对接的成果方。")
    analysis_requested = models.BooleanField("已申请需求解析", default=False)
    analysis = _text("需求解析（技术问题）", blank=True,
                                help_text="专家或工作人员把需求重述为可检索的技术问题，匹配时一并使用。")
    analysed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解析人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget_min__gte=0) | Q(budget_min__isnull=True), name="need_budget_min_ge0"),
            models.CheckConstraint(condition=Q(budget_max__gte=F("budget_min")) | Q(budget_max__isnull=True)
                                   | Q(budget_min__isnull=True), name="need_budget_order"),
        ]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.description or "").strip():
            errors["description"] = "需求描述不能为空：请写明要解决的技术问题、指标和应用场景。"
        if self.budget_min is not None and self.budget_min < 0:
            errors["budget_min"] = "预算下限不能为负数。"
        if self.budget_min is not None and self.budget_max is not None and self.budget_max < self.budget_min:
            errors["budget_max"] = "预算上限不能低于预算下限。"
        if message := date_error(self.deadline, "期望解决期限", earliest=dt.date(2000, 1, 1)):
            errors["deadline"] = message
        if errors:
            raise ValidationError(errors)


class Achievement(Listing):
    abstract = _text("成果简介")
    maturity = models.CharField("成熟度", max_length=12, choices=Maturity.choices)
    trl = models.PositiveSmallIntegerField("技术就绪度（TRL 1–9）", null=True, blank=True)
    patent_numbers = models.CharField("专利号", max_length=300, blank=True, help_text="多个专利号用逗号分隔。")
    transfer_mode = models.CharField("转化方式", max_length=20, choices=TransferMode.choices)
    price_min = _money("价格下限（元）")
    price_max = _money("价格上限（元）")

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9), name="achievement_trl_1_9"),
            models.CheckConstraint(condition=Q(price_min__gte=0) | Q(price_min__isnull=True), name="achievement_price_ge0"),
        ]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.abstract or "").strip():
            errors["abstract"] = "成果简介不能为空：请写明技术内容、指标和应用领域。"
        if self.trl is not None and not 1 <= self.trl <= 9:
            errors["trl"] = "技术就绪度应为 1 至 9 的整数。"
        if self.price_min is not None and self.price_min < 0:
            errors["price_min"] = "价格下限不能为负数。"
        if self.price_min is not None and self.price_max is not None and self.price_max < self.price_min:
            errors["price_max"] = "价格上限不能低于价格下限。"
        if errors:
            raise ValidationError(errors)


class MarketEvent(models.Model):
    """Roadshows (路演) and fairs (交易会), C 八（五）“展示、路演、洽谈、交易一条龙服务”."""

    class Kind(models.TextChoices):
        ROADSHOW = "roadshow", "路演"
        FAIR = "fair", "交易会/对接会"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("名称", max_length=120)
    held_on = models.DateField("举办日期")
    place = models.CharField("地点", max_length=120, blank=True)

    class Meta:
        verbose_name = "路演/交易会"
        verbose_name_plural = "路演/交易会"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(MarketEvent, verbose_name="活动", on_delete=models.CASCADE, related_name="registrations")
    organization = models.ForeignKey(Organization, verbose_name="报名单位", on_delete=models.CASCADE)
    registered_at = models.DateTimeField("报名时间", auto_now_add=True)
    attended = models.BooleanField("已到场", default=False)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        constraints = [models.UniqueConstraint(fields=["event", "organization"], name="event_registration_once")]


class Match(models.Model):
    """A matchmaking (对接) between a need and an achievement; states in ``workflow.MATCH``."""

    class Status(models.TextChoices):
        INTENT = "intent", "意向"
        NEGOTIATING = "negotiating", "洽谈"
        SIGNED = "signed", "签约"
        ABANDONED = "abandoned", "放弃"

    need = models.ForeignKey(TechNeed, verbose_name="技术需求", on_delete=models.CASCADE, related_name="matches")
    achievement = models.ForeignKey(Achievement, verbose_name="科技成果", on_delete=models.CASCADE,
                                    related_name="matches")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.INTENT, db_index=True)
    score = models.FloatField("匹配度", default=0)
    reasons = models.JSONField("匹配理由", default=dict, blank=True)
    outcome = models.CharField("结果说明", max_length=300, blank=True)
    event = models.ForeignKey(MarketEvent, verbose_name="来源活动", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="matches")
    broker = models.ForeignKey(Organization, verbose_name="技术转移机构/技术经纪人单位", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="brokered_matches")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    first_response_at = models.DateTimeField("首次响应时间", null=True, blank=True)
    accepted_at = models.DateTimeField("进入洽谈时间", null=True, blank=True)
    closed_at = models.DateTimeField("签约/放弃时间", null=True, blank=True)
    consents = models.JSONField("双方确认", default=dict, blank=True,
                                help_text="需要双方确认的操作（签约）：{操作: {一方: 确认时间}}。")

    class Meta:
        verbose_name = "对接"
        verbose_name_plural = "对接"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "achievement"], name="match_once_per_pair"),
            models.CheckConstraint(condition=Q(first_response_at__isnull=True) | Q(first_response_at__gte=F("created_at")),
                                   name="match_response_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.achievement}"


class MatchContact(models.Model):
    class Kind(models.TextChoices):
        CONTACT = "contact", "联系"
        MEETING = "meeting", "会谈"
        NOTE = "note", "记录"

    match = models.ForeignKey(Match, verbose_name="对接", on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    note = models.CharField("内容", max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "对接记录"
        verbose_name_plural = "对接记录"
        ordering = ["on", "id"]

    def clean(self) -> None:
        """A contact cannot precede the match it answers (nor lie in the future)."""
        if self.on is None:
            return
        started = timezone.localtime(self.match.created_at).date() if self.match_id and self.match.created_at else None
        if started and self.on < started:
            raise ValidationError({"on": f"日期：{self.on.isoformat()} 早于对接发起日期 {started.isoformat()}，"
                                         "对接记录不能早于对接发起，请核对日期。"})
        if message := date_error(self.on, "日期", latest=timezone.localdate()):
            raise ValidationError({"on": message})


class Placement(models.Model):
    """科技副总 (B 第10条): a researcher placed in an enterprise as vice president for technology."""

    person = models.ForeignKey(Person, verbose_name="科研人员", on_delete=models.CASCADE, related_name="placements")
    enterprise = models.ForeignKey(Organization, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="vp_placements")
    starts_on = models.DateField("任期起")
    ends_on = models.DateField("任期止")
    note = models.CharField("工作内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "科技副总"
        verbose_name_plural = "科技副总"
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="placement_term_order")]

    def clean(self) -> None:
        for name, label in (("starts_on", "任期起"), ("ends_on", "任期止")):
            if message := date_error(getattr(self, name), label):
                raise ValidationError({name: message})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "任期止不能早于任期起。"})
        if self.enterprise_id and self.enterprise.kind != "enterprise":
            raise ValidationError({"enterprise": "科技副总只能派驻到企业。"})


class ContractType(models.TextChoices):
    DEVELOPMENT = "tech_development", "技术开发"
    TRANSFER = "tech_transfer", "技术转让"
    LICENCE = "tech_licence", "技术许可"
    CONSULTING = "tech_consulting", "技术咨询"
    SERVICE = "tech_service", "技术服务"


class TechContract(models.Model):
    """技术合同登记: registration gives a unique number and the confirmed (核定) technology transaction amount."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待登记"
        REGISTERED = "registered", "已登记"
        REFUSED = "refused", "不予登记"
        APPEALED = "appealed", "复议中"

    title = models.CharField("合同名称", max_length=150)
    contract_type = models.CharField("合同类型", max_length=20, choices=ContractType.choices)
    match = models.ForeignKey(Match, verbose_name="来源对接", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="contracts")
    signed_on = models.DateField("签订日期")
    amount = models.DecimalField("合同金额（元）", max_digits=14, decimal_places=2)
    transaction_amount = models.DecimalField("技术交易额（元）", max_digits=14, decimal_places=2)
    status = models.CharField("登记状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    registration_number = models.CharField("登记编号", max_length=40, null=True, blank=True, unique=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    refusal_reason = models.CharField("不予登记理由", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_ge0"),
            models.CheckConstraint(condition=Q(transaction_amount__gte=0) & Q(transaction_amount__lte=F("amount")),
                                   name="contract_transaction_within_amount"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.amount is not None and self.amount < 0:
            errors["amount"] = "合同金额不能为负数，请填写 0 或正数。"
        if self.transaction_amount is not None:
            if self.transaction_amount < 0:
                errors["transaction_amount"] = "技术交易额不能为负数，请填写 0 或正数。"
            elif self.amount is not None and self.transaction_amount > self.amount:
                errors["transaction_amount"] = "技术交易额不能超过合同金额，请核对后重新填写。"
        today = timezone.localdate()
        if message := date_error(self.signed_on, "签订日期", latest=today):
            errors["signed_on"] = message
        if message := date_error(self.registered_on, "登记日期", earliest=self.signed_on or EARLIEST, latest=today):
            errors["registered_on"] = message
        for name, label in (("amount", "合同金额"), ("transaction_amount", "技术交易额")):
            value = getattr(self, name)
            if value is not None and name not in errors and value > MONEY_LIMIT:
                errors[name] = f"{label}：不能超过 {MONEY_LIMIT:,} 元，请核对金额。"
        if self.registration_number:
            dup = TechContract.objects.filter(registration_number=self.registration_number).exclude(pk=self.pk)
            if dup.exists():
                errors["registration_number"] = f"登记编号 {self.registration_number} 已被使用，请填写新的编号。"
        if errors:
            raise ValidationError(errors)

    def party(self, role: str) -> ContractParty | None:
        return next((p for p in self.parties.all() if p.role == role), None)

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal(0))


class ContractParty(models.Model):
    class Role(models.TextChoices):
        BUYER = "buyer", "委托方/受让方（买方）"
        SELLER = "seller", "受托方/让与方（卖方）"
        INTERMEDIARY = "intermediary", "中介方"

    contract = models.ForeignKey(TechContract, verbose_name="合同", on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("角色", max_length=14, choices=Role.choices)
    organization = models.ForeignKey(Organization, verbose_name="登记库主体", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="contract_parties")
    name = models.CharField("名称", max_length=120)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    located_locally = models.BooleanField("在本市", default=True)
    is_institution = models.BooleanField("高校院所", default=False)

    class Meta:
        verbose_name = "合同当事人"
        verbose_name_plural = "合同当事人"
        constraints = [models.UniqueConstraint(fields=["contract", "role"], name="contract_party_role_once")]


class ContractPayment(models.Model):
    contract = models.ForeignKey(TechContract, verbose_name="合同", on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField("支付日期")
    amount = models.DecimalField("支付金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "合同支付"
        verbose_name_plural = "合同支付"
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt0")]

    def clean(self) -> None:
        if message := date_error(self.paid_on, "支付日期", latest=timezone.localdate()):
            raise ValidationError({"paid_on": message})
