"""Innovation vouchers (科技创新券) and shared instruments (入网仪器): providers, catalogue, bookings, service records,
voucher programmes, vouchers and their uses, settlement batches.

Money and time rules are also in the database: a voucher's held + spent never exceeds its face amount (check
constraint), a booking ends after it starts (check constraint), and on PostgreSQL two live bookings of one
instrument never overlap (an exclusion constraint on a tstzrange, migration 0002; SQLite: services.book serialises
bookings of one instrument and checks overlap inside the transaction).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.crypto import EncryptedCharField

ZERO = Decimal(0)


class Category(models.TextChoices):
    RD_DESIGN = "rd_design", "研发设计"
    TESTING = "testing", "检验检测"
    INSTRUMENT = "instrument", "仪器共享"
    TECH_TRANSFER = "tech_transfer", "技术转移"
    IP = "ip", "知识产权"
    CONSULTING = "consulting", "科技咨询"


class PriceBasis(models.TextChoices):
    HOUR = "hour", "按机时"
    SAMPLE = "sample", "按样品"
    ITEM = "item", "按项目"


class Provider(models.Model):
    """A 服务机构 on (or applying to) the provider list (入库); the organisation is a registry Organization."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已入库"
        REJECTED = "rejected", "未通过"
        REMOVED = "removed", "已出库"

    organization = models.OneToOneField("registry.Organization", verbose_name="服务机构", on_delete=models.PROTECT,
                                        related_name="voucher_provider")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    inside_city = models.BooleanField("市内机构", default=True,
                                      help_text="威政发〔2023〕5号 第30条 的市级补助限于市内入网共享的仪器。")
    contact = EncryptedCharField("联系人及电话", max_length=80, blank=True)
    introduction = models.TextField("机构简介", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=200, blank=True)
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务机构"
        verbose_name_plural = "服务机构"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.organization.name


class ProviderService(models.Model):
    provider = models.ForeignKey(Provider, verbose_name="服务机构", on_delete=models.CASCADE, related_name="services")
    name = models.CharField("服务名称", max_length=120)
    category = models.CharField("服务类别", max_length=16, choices=Category.choices)
    price_basis = models.CharField("计价方式", max_length=8, choices=PriceBasis.choices)
    price = models.DecimalField("单价(元)", max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"), "单价须大于 0 元。")])

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["provider", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class Instrument(models.Model):
    """An instrument on the sharing network (入网仪器) with its booking rules and opening hours."""

    provider = models.ForeignKey(Provider, verbose_name="所属单位", on_delete=models.PROTECT,
                                 related_name="instruments")
    name = models.CharField("仪器名称", max_length=120, db_index=True)
    model_no = models.CharField("型号", max_length=80, blank=True)
    kind = models.CharField("仪器类别", max_length=40, db_index=True, help_text="如 光谱仪器、电子显微镜。")
    region = models.ForeignKey("registry.Region", verbose_name="所在区市", on_delete=models.PROTECT)
    location = models.CharField("存放地点", max_length=120, blank=True)
    price_basis = models.CharField("计价方式", max_length=8, choices=PriceBasis.choices[:2], default=PriceBasis.HOUR)
    price = models.DecimalField("单价(元)", max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"), "单价须大于 0 元。")])
    networked = models.BooleanField("已入网共享", default=True,
                                    help_text="威政发〔2023〕5号 第30条 补助限于入网共享的科研设施与仪器。")
    notice_hours = models.PositiveSmallIntegerField("提前预约(小时)", default=24,
                                                    validators=[MaxValueValidator(720, "提前预约不能超过 720 小时。")])
    max_hours = models.PositiveSmallIntegerField("单次最长(小时)", default=8,
                                                 validators=[MinValueValidator(1, "单次最长须至少 1 小时。"),
                                                             MaxValueValidator(24, "单次最长不能超过 24 小时。")])
    cancel_hours = models.PositiveSmallIntegerField("可取消截止(开始前小时)", default=24,
                                                    validators=[MaxValueValidator(720, "可取消截止不能超过 720 小时。")])
    needs_approval = models.BooleanField("需所属单位审批", default=True)
    needs_training = models.BooleanField("须经培训授权", default=False)
    trained = models.ManyToManyField("registry.Organization", verbose_name="已培训授权单位", blank=True,
                                     related_name="+")
    opens_at = models.PositiveSmallIntegerField("每日开放起(时)", default=8,
                                                validators=[MaxValueValidator(23, "开放时间须在 0–23 时之间。")])
    closes_at = models.PositiveSmallIntegerField("每日开放止(时)", default=18,
                                                 validators=[MaxValueValidator(24, "开放时间须在 1–24 时之间。")])
    active = models.BooleanField("可预约", default=True)
    lock_version = models.PositiveIntegerField(default=0, editable=False,
                                               help_text="Written first in a booking transaction: serialises bookings "
                                                         "of one instrument (SQLite's BEGIN IMMEDIATE semantics).")

    class Meta:
        verbose_name = "入网仪器"
        verbose_name_plural = "入网仪器"
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "region"]), models.Index(fields=["provider", "active"])]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="instrument_open_hours")]

    def __str__(self) -> str:
        return f"{self.name} {self.model_no}".strip()

    @property
    def open_hours_per_day(self) -> int:
        return self.closes_at - self.opens_at

    @property
    def on_city_network(self) -> bool:
        """B 第30条's instruments: networked (入网共享) and held by a provider inside the city (``inside_city``, the
        place the provider list shows)."""
        return self.networked and self.provider.inside_city


class Blackout(models.Model):
    """A maintenance window: no bookings."""

    instrument = models.ForeignKey(Instrument, verbose_name="仪器", on_delete=models.CASCADE, related_name="blackouts")
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("结束")
    reason = models.CharField("原因", max_length=120, default="维护保养")

    class Meta:
        verbose_name = "维护停机"
        verbose_name_plural = "维护停机"
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="blackout_order")]


LIVE_BOOKING_STATES = ("pending", "approved", "done")


class Booking(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已确认"
        DECLINED = "declined", "已拒绝"
        CANCELLED = "cancelled", "已取消"
        NO_SHOW = "no_show", "未到（已释放）"
        DONE = "done", "已完成"

    instrument = models.ForeignKey(Instrument, verbose_name="仪器", on_delete=models.PROTECT, related_name="bookings")
    organization = models.ForeignKey("registry.Organization", verbose_name="预约单位", on_delete=models.PROTECT,
                                     related_name="instrument_bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="预约人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    samples = models.PositiveIntegerField("样品数", default=0,
                                          validators=[MaxValueValidator(10_000, "样品数不能超过 10000 个。")])
    purpose = models.CharField("用途", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    reason = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("预约时间", auto_now_add=True)

    class Meta:
        verbose_name = "仪器预约"
        verbose_name_plural = "仪器预约"
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["instrument", "starts_at"]), models.Index(fields=["organization", "state"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_order")]

    def __str__(self) -> str:
        return f"{self.instrument} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(Decimal("0.01"))

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间须晚于开始时间。"})
        if self.state == self.State.DONE and self.starts_at and self.starts_at > timezone.now():
            raise ValidationError({"state": "预约时段尚未开始，不能标为已完成。"})


class ServiceRecord(models.Model):
    """服务记录: what was actually done and charged, recorded by the provider and confirmed by the user."""

    class State(models.TextChoices):
        RECORDED = "recorded", "待用户确认"
        CONFIRMED = "confirmed", "已确认"
        DISPUTED = "disputed", "用户有异议"

    provider = models.ForeignKey(Provider, verbose_name="服务机构", on_delete=models.PROTECT,
                                 related_name="service_records")
    organization = models.ForeignKey("registry.Organization", verbose_name="服务对象", on_delete=models.PROTECT,
                                     related_name="service_records")
    booking = models.OneToOneField(Booking, verbose_name="对应预约", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="record")
    instrument = models.ForeignKey(Instrument, verbose_name="仪器", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="records")
    service = models.ForeignKey(ProviderService, verbose_name="服务项目", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="records")
    category = models.CharField("服务类别", max_length=16, choices=Category.choices)
    performed_on = models.DateField("服务日期")
    quantity = models.DecimalField("实际用量(机时/样品)", max_digits=10, decimal_places=2)
    amount = models.DecimalField("服务费(元)", max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"), "服务费须大于 0 元。")])
    invoice_no = models.CharField("发票号码", max_length=40, blank=True, db_index=True)
    description = models.CharField("服务内容", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RECORDED, db_index=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评价(1-5)", null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-performed_on", "-id"]
        indexes = [models.Index(fields=["provider", "state"]), models.Index(fields=["organization", "state"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="service_record_amount_positive")]

    def __str__(self) -> str:
        return f"{self.provider} → {self.organization}：{self.amount:,.2f} 元"

    def clean(self) -> None:
        if self.booking_id and self.performed_on and self.performed_on < timezone.localtime(self.booking.starts_at).date():
            raise ValidationError({"performed_on": f"服务日期不能早于预约时段的日期 "
                                                   f"{timezone.localtime(self.booking.starts_at):%Y-%m-%d}。"})


class VoucherProgramme(models.Model):
    """The bureau's voucher programme for a year; money flows through a funding Programme and its budget lines."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=120, default="科技创新券")
    funding_programme = models.ForeignKey("funding.Programme", verbose_name="资金专项", on_delete=models.PROTECT,
                                          related_name="+")
    city_line = models.ForeignKey("funding.BudgetLine", verbose_name="市级预算科目", on_delete=models.PROTECT,
                                  related_name="+")
    province_line = models.ForeignKey("funding.BudgetLine", verbose_name="省级资金科目", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("开始日期")
    expires_on = models.DateField("券有效期至")
    yearly_cap = models.DecimalField("每家企业年度使用上限(元)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "创新券年度计划"
        verbose_name_plural = "创新券年度计划"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度{self.name}"


class VoucherKind(models.Model):
    class Kind(models.TextChoices):
        UNIVERSAL = "universal", "普惠券"
        PRIORITY = "priority", "重点券"

    programme = models.ForeignKey(VoucherProgramme, verbose_name="年度计划", on_delete=models.CASCADE,
                                  related_name="kinds")
    kind = models.CharField("券种", max_length=10, choices=Kind.choices)
    categories = models.JSONField("可用服务类别", default=list)
    face_amount = models.DecimalField("每张面额(元)", max_digits=12, decimal_places=2)
    share = models.DecimalField("补助比例", max_digits=4, decimal_places=3,
                                help_text="未由文件规定比例的服务，按本比例补助（如 0.5）。",
                                validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))])
    per_enterprise = models.PositiveSmallIntegerField("每家每年张数", default=1)
    qualification = models.CharField("发放对象资质", max_length=32, default="tech_sme",
                                     help_text="registry 资质代码：发放日在有效期内的主体获得本券。")

    class Meta:
        verbose_name = "券种"
        verbose_name_plural = "券种"
        constraints = [models.UniqueConstraint(fields=["programme", "kind"], name="voucher_kind_once")]

    def __str__(self) -> str:
        return f"{self.programme.year} 年{self.get_kind_display()}"


class Voucher(models.Model):
    kind = models.ForeignKey(VoucherKind, verbose_name="券种", on_delete=models.PROTECT, related_name="vouchers")
    organization = models.ForeignKey("registry.Organization", verbose_name="持券单位", on_delete=models.PROTECT,
                                     related_name="vouchers")
    holder_note = models.CharField("持券说明", max_length=120, blank=True,
                                   help_text="无统一社会信用代码的创客团队：经由负责人或入驻载体持有（威政发〔2023〕5号 第30条）。")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    amount = models.DecimalField("面额(元)", max_digits=12, decimal_places=2)
    held = models.DecimalField("冻结(元)", max_digits=12, decimal_places=2, default=ZERO)
    spent = models.DecimalField("已使用(元)", max_digits=12, decimal_places=2, default=ZERO)
    issued_on = models.DateField("发放日期")
    expires_on = models.DateField("有效期至")

    class Meta:
        verbose_name = "创新券"
        verbose_name_plural = "创新券"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "organization", "seq"], name="voucher_once_per_seq"),
            models.CheckConstraint(condition=Q(held__gte=0, spent__gte=0, amount__gte=F("held") + F("spent")),
                                   name="voucher_within_face"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def balance(self) -> Decimal:
        return self.amount - self.held - self.spent


class VoucherUse(models.Model):
    """A voucher applied to one service record: held when ordered, spent when the record is confirmed."""

    class State(models.TextChoices):
        HELD = "held", "已冻结"
        SPENT = "spent", "已抵扣"
        RELEASED = "released", "已释放"
        SETTLED = "settled", "已结算"

    voucher = models.ForeignKey(Voucher, verbose_name="创新券", on_delete=models.PROTECT, related_name="uses")
    record = models.OneToOneField(ServiceRecord, verbose_name="服务记录", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="voucher_use")
    booking = models.ForeignKey(Booking, verbose_name="预约", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="voucher_uses")
    city_amount = models.DecimalField("市级补助(元)", max_digits=12, decimal_places=2)
    province_amount = models.DecimalField("省级补助(元)", max_digits=12, decimal_places=2, default=ZERO)
    citation = models.CharField("政策依据", max_length=200)
    explanation = models.TextField("计算说明")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.HELD, db_index=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "创新券使用"
        verbose_name_plural = "创新券使用"
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(city_amount__gte=0, province_amount__gte=0),
                                              name="voucher_use_non_negative")]

    @property
    def total(self) -> Decimal:
        return self.city_amount + self.province_amount


class SettlementBatch(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        SECOND = "second", "待复核（有疑点）"
        PUBLICITY = "publicity", "公示中"
        APPROVED = "approved", "待拨付"
        PAID = "paid", "已拨付"
        REJECTED = "rejected", "未通过"

    provider = models.ForeignKey(Provider, verbose_name="服务机构", on_delete=models.PROTECT,
                                 related_name="settlements")
    programme = models.ForeignKey(VoucherProgramme, verbose_name="年度计划", on_delete=models.PROTECT,
                                  related_name="settlements")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True)
    city_amount = models.DecimalField("市级补助(元)", max_digits=14, decimal_places=2, default=ZERO)
    province_amount = models.DecimalField("省级补助(元)", max_digits=14, decimal_places=2, default=ZERO)
    claims = models.ManyToManyField("funding.Claim", verbose_name="资金申报（按资金来源和政策依据各一项）", blank=True,
                                    related_name="+")
    first_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="初审人", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    second_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "结算批次"
        verbose_name_plural = "结算批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"结算批次 #{self.pk} · {self.provider}"


class SettlementItem(models.Model):
    batch = models.ForeignKey(SettlementBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="items")
    use = models.OneToOneField(VoucherUse, verbose_name="创新券使用", on_delete=models.PROTECT,
                               related_name="settlement_item")
    flags = models.JSONField("疑点", default=list, blank=True)
    excluded = models.BooleanField("核减", default=False)

    class Meta:
        verbose_name = "结算明细"
        verbose_name_plural = "结算明细"
        ordering = ["id"]
