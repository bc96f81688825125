"""The incubation chain (B 第29条 "众创空间+孵化器+加速器+产业园"): carriers, their incubatees and stays, yearly
performance evaluations, and the innovation competitions that feed the chain (A 第16条, B 第13、15、16条).

A carrier is a registry organisation (an incubation platform, or the operator of an industrial park). An incubatee is
an organisation of the registry or a team not yet incorporated; incorporation links the team to its organisation, and
its stays (the roster rows) stay where they are. A stay is the half-open interval [entered_on, exited_on): an
incubatee that moves on day D leaves the first carrier on D and enters the second on D.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from registry.models import Level, Organization, PlatformType, Recognition


class Stage(models.TextChoices):
    """The links of the chain (B 第29条, C 七（二）) and the other carriers the policies name."""

    MAKERSPACE = "makerspace", "众创空间"
    INCUBATOR = "incubator", "科技企业孵化器"
    ACCELERATOR = "accelerator", "加速器"
    INDUSTRIAL_PARK = "industrial_park", "产业园（基地）"
    UNIVERSITY_SCIENCE_PARK = "university_science_park", "大学科技园"
    RURAL_MAKERSPACE = "rural_makerspace", "星创天地"


#: A registry platform type → its stage. The registry has no 产业园 platform type: a park is its operator's carrier row.
STAGE_OF_PLATFORM = {
    PlatformType.MAKERSPACE: Stage.MAKERSPACE,
    PlatformType.INCUBATOR: Stage.INCUBATOR,
    PlatformType.ACCELERATOR: Stage.ACCELERATOR,
    PlatformType.UNIVERSITY_SCIENCE_PARK: Stage.UNIVERSITY_SCIENCE_PARK,
    PlatformType.RURAL_MAKERSPACE: Stage.RURAL_MAKERSPACE,
}
#: Order along the chain, for display.
CHAIN_ORDER = [Stage.MAKERSPACE, Stage.RURAL_MAKERSPACE, Stage.INCUBATOR, Stage.UNIVERSITY_SCIENCE_PARK,
               Stage.ACCELERATOR, Stage.INDUSTRIAL_PARK]


class Carrier(models.Model):
    organization = models.OneToOneField(
        Organization, verbose_name="载体", on_delete=models.CASCADE, related_name="carrier"
    )
    stage = models.CharField("载体类别", max_length=24, choices=Stage.choices)
    specialty = models.CharField("专业方向", max_length=60, blank=True)
    space_m2 = models.DecimalField(
        "孵化场地面积(㎡)", max_digits=10, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), "面积不能为负数。")],
    )

    class Meta:
        verbose_name = "孵化载体"
        verbose_name_plural = "孵化载体"
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return self.organization.name

    @property
    def level(self) -> str:
        return self.organization.level

    def get_level_display(self) -> str:
        return Level(self.organization.level).label if self.organization.level else "—"


class Incubatee(models.Model):
    """Who is incubated: an organisation of the registry, or a team (name + leader) not yet incorporated."""

    organization = models.OneToOneField(
        Organization, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT, related_name="incubatee"
    )
    team_name = models.CharField("团队名称", max_length=120, blank=True)
    team_leader = models.CharField("团队负责人", max_length=40, blank=True)
    incorporated_on = models.DateField("注册为企业日期", null=True, blank=True)

    class Meta:
        verbose_name = "在孵对象"
        verbose_name_plural = "在孵对象"
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | (~Q(team_name="") & ~Q(team_leader="")),
                name="incubatee_org_or_team",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.organization_id:
            return self.organization.name
        return f"{self.team_name}（团队）"

    @property
    def is_team(self) -> bool:
        return self.organization_id is None

    def clean(self) -> None:
        if not self.organization_id and not (self.team_name.strip() and self.team_leader.strip()):
            raise ValidationError({"team_name": "未注册企业的团队须填写团队名称和负责人；已注册的请填写统一社会信用代码。"})


class ExitReason(models.TextChoices):
    GRADUATED = "graduated", "毕业"
    MOVED = "moved", "迁往其他载体"
    LEFT = "left", "退出（未毕业）"
    CLOSED = "closed", "注销/终止经营"


#: No incubator existed before this day; an earlier date is a typo (or year 0001).
EARLIEST_DAY = dt.date(1980, 1, 1)


class Stay(models.Model):
    """One roster row: an incubatee in a carrier from entered_on until exited_on (exclusive), or still there."""

    carrier = models.ForeignKey(Carrier, verbose_name="载体", on_delete=models.CASCADE, related_name="stays")
    incubatee = models.ForeignKey(Incubatee, verbose_name="在孵对象", on_delete=models.CASCADE, related_name="stays")
    entered_on = models.DateField("入驻日期")
    space = models.CharField("使用场地", max_length=100, blank=True, help_text="如 A座301。")
    space_m2 = models.DecimalField(
        "场地面积(㎡)", max_digits=8, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), "场地面积不能为负数。")],
    )
    services = models.CharField("使用的服务", max_length=200, blank=True, help_text="如 创业辅导、投融资对接、检验检测。")
    exited_on = models.DateField("毕业/退出日期", null=True, blank=True)
    exit_reason = models.CharField("毕业/退出原因", max_length=12, choices=ExitReason.choices, blank=True)
    exit_note = models.CharField("说明", max_length=200, blank=True)
    moved_from = models.OneToOneField(
        "self", verbose_name="迁出的原在孵记录", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="moved_to", help_text="登记迁入时自动填写：原载体的记录在迁入日结束。",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "在孵记录"
        verbose_name_plural = "在孵记录"
        ordering = ["carrier", "-entered_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("entered_on")),
                                   name="stay_exit_not_before_entry"),
            models.CheckConstraint(condition=Q(exited_on__isnull=True, exit_reason="")
                                   | (Q(exited_on__isnull=False) & ~Q(exit_reason="")),
                                   name="stay_exit_date_and_reason_together"),
            models.UniqueConstraint(fields=["incubatee"], condition=Q(exited_on__isnull=True),
                                    name="stay_one_open_per_incubatee"),
        ]
        indexes = [models.Index(fields=["incubatee", "entered_on"])]

    def __str__(self) -> str:
        return f"{self.incubatee} @ {self.carrier}（{self.entered_on}—{self.exited_on or '至今'}）"

    @property
    def is_current(self) -> bool:
        return self.exited_on is None

    def covers(self, day: dt.date) -> bool:
        return self.entered_on <= day and (self.exited_on is None or day < self.exited_on)

    def overlapping(self) -> models.QuerySet[Stay]:
        """Other stays of the same incubatee whose interval meets this one's."""
        qs = Stay.objects.filter(incubatee_id=self.incubatee_id).exclude(pk=self.pk)
        qs = qs.filter(Q(exited_on__isnull=True) | Q(exited_on__gt=self.entered_on))
        if self.exited_on is not None:
            qs = qs.filter(entered_on__lt=self.exited_on)
        return qs.select_related("carrier__organization")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = dt.date.today()
        for name in ("entered_on", "exited_on"):
            day = getattr(self, name)
            if day and day < EARLIEST_DAY:
                errors[name] = (f"{self._meta.get_field(name).verbose_name} {day.isoformat()} 不合理："
                                f"请填写 {EARLIEST_DAY.year} 年以后的实际日期（核对年份）。")
        if errors:
            raise ValidationError(errors)
        if self.entered_on and self.entered_on > today:
            errors["entered_on"] = "入驻日期不能晚于今天，请核对入驻协议日期。"
        if self.exited_on and self.exited_on > today:
            errors["exited_on"] = "毕业/退出日期不能晚于今天；尚未发生的毕业请勿登记。"
        if self.entered_on and self.exited_on and self.exited_on < self.entered_on:
            errors["exited_on"] = (f"毕业/退出日期 {self.exited_on} 早于入驻日期 {self.entered_on}，"
                                   "请核对：毕业/退出日期应不早于入驻日期。")
        if bool(self.exited_on) != bool(self.exit_reason):
            errors["exit_reason"] = "毕业/退出日期和原因须同时填写（仍在孵的两项都留空）。"
        if errors:
            raise ValidationError(errors)
        if self.incubatee_id and self.entered_on:
            other = self.overlapping().first()
            if other is not None:
                raise ValidationError({"entered_on": (
                    f"{self.incubatee.name} 在“{other.carrier}”的在孵记录（{other.entered_on} 至 "
                    f"{other.exited_on or '今'}）与本记录时间重叠：同一对象同一时间只能在一个载体孵化。"
                    "如已从原载体迁入，请勾选“从其他载体迁入”以登记迁移（原记录在迁入日结束）。")})


class RosterChange(models.Model):
    """A roster change that a carrier account asked for and that needs someone else's word before it is applied:
    moving an incubatee from another carrier (that carrier agrees, or bureau staff decide), or a date further back
    than the back-dating window (bureau staff decide). Until accepted nothing is written to the roster, so the
    A 第16条 events, which are derived from the roster, only ever come from agreed stays."""

    class Kind(models.TextChoices):
        ADD = "add", "登记在孵对象"
        EDIT = "edit", "修改在孵记录"

    class Awaiting(models.TextChoices):
        CARRIER = "carrier", "原载体同意"
        STAFF = "staff", "市科技局审核"

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已同意"
        REFUSED = "refused", "已拒绝"

    kind = models.CharField("变更类型", max_length=8, choices=Kind.choices)
    carrier = models.ForeignKey(Carrier, verbose_name="申请载体", on_delete=models.CASCADE, related_name="changes")
    incubatee = models.ForeignKey(Incubatee, verbose_name="在孵对象", on_delete=models.CASCADE, related_name="changes")
    stay = models.ForeignKey(Stay, verbose_name="修改的在孵记录", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="changes")
    from_carrier = models.ForeignKey(Carrier, verbose_name="原载体", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="changes_awaiting")
    entered_on = models.DateField("入驻日期")
    moved_in = models.BooleanField("从其他载体迁入", default=False)
    data = models.JSONField("其他内容", default=dict, blank=True)
    awaiting = models.CharField("待谁处理", max_length=8, choices=Awaiting.choices)
    why = models.CharField("需要审核的原因", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey("accounts.User", verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "名册变更申请"
        verbose_name_plural = "名册变更申请"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "from_carrier"]), models.Index(fields=["status", "carrier"])]

    def __str__(self) -> str:
        return f"{self.carrier} {self.get_kind_display()}：{self.incubatee}（{self.entered_on}）"


class Evaluation(models.Model):
    """A carrier's yearly performance evaluation (B 第29条 提质增效, 绩效评价); written to the registry as a dated
    ``platform_evaluation`` event that the rules read."""

    class Grade(models.TextChoices):
        EXCELLENT = "优秀", "优秀"
        GOOD = "良好", "良好"
        PASS = "合格", "合格"
        FAIL = "不合格", "不合格"

    carrier = models.ForeignKey(Carrier, verbose_name="载体", on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField("评价年度")
    grade = models.CharField("评价等次", max_length=8, choices=Grade.choices)
    evaluated_on = models.DateField("评价结果发布日期")
    reference = models.CharField("依据文号", max_length=120, blank=True)
    recognition = models.OneToOneField(
        Recognition, verbose_name="对应事件", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "载体绩效评价"
        verbose_name_plural = "载体绩效评价"
        ordering = ["carrier", "-year"]
        constraints = [models.UniqueConstraint(fields=["carrier", "year"], name="evaluation_one_per_year")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.year} {self.grade}"

    def clean(self) -> None:
        if self.evaluated_on and self.evaluated_on > dt.date.today():
            raise ValidationError({"evaluated_on": "评价结果发布日期不能晚于今天。"})
        if self.year and self.evaluated_on and self.evaluated_on.year < self.year:
            raise ValidationError({"evaluated_on": f"{self.year} 年度的评价结果不能早于 {self.year} 年发布。"})


class Competition(models.Model):
    class Series(models.TextChoices):
        CHINA_INNOVATION = "china_innovation_contest", "中国创新创业大赛"
        CHINA_KOREA = "china_korea", "中韩创新大赛"
        CHINA_JAPAN = "china_japan", "中日科技创新合作大会"
        OTHER = "other", "其他创新创业赛事"

    series = models.CharField("赛事", max_length=32, choices=Series.choices)
    name = models.CharField("名称", max_length=120)
    year = models.PositiveSmallIntegerField("届次年度")

    class Meta:
        verbose_name = "创新创业大赛"
        verbose_name_plural = "创新创业大赛"
        ordering = ["-year", "series"]
        constraints = [models.UniqueConstraint(fields=["series", "year", "name"], name="competition_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Entry(models.Model):
    """An entry by an enterprise of the registry or by a team (which may later incorporate)."""

    class Stage(models.TextChoices):
        CITY = "city", "市赛"
        PROVINCIAL = "provincial", "省赛"
        NATIONAL_FINAL = "national_final", "全国赛（全国行业总决赛）"

    competition = models.ForeignKey(Competition, verbose_name="赛事", on_delete=models.CASCADE, related_name="entries")
    incubatee = models.ForeignKey(Incubatee, verbose_name="参赛团队/企业", on_delete=models.PROTECT, related_name="entries")
    project = models.CharField("参赛项目", max_length=120)
    stage_reached = models.CharField("晋级阶段", max_length=16, choices=Stage.choices, default=Stage.CITY)
    reached_on = models.DateField("晋级（入围）日期")
    excellent_title = models.BooleanField("获全国赛优秀企业称号", default=False)
    landed_on = models.DateField("落地我市注册日期", null=True, blank=True, help_text="中韩、中日等合作活动落地项目。")
    physical_investment = models.DecimalField(
        "完成实物工作量(元)", max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), "实物工作量不能为负数。")],
    )

    class Meta:
        verbose_name = "参赛记录"
        verbose_name_plural = "参赛记录"
        ordering = ["competition", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "incubatee", "project"], name="entry_unique")]

    def __str__(self) -> str:
        return f"{self.incubatee} · {self.project}"

    def clean(self) -> None:
        if self.excellent_title and self.stage_reached != self.Stage.NATIONAL_FINAL:
            raise ValidationError({"excellent_title": "只有晋级全国赛的参赛者才能获得全国赛优秀企业称号，请先填写晋级阶段。"})
        if self.reached_on and self.reached_on > dt.date.today():
            raise ValidationError({"reached_on": "晋级日期不能晚于今天。"})


class Prize(models.Model):
    entry = models.ForeignKey(Entry, verbose_name="参赛记录", on_delete=models.CASCADE, related_name="prizes")
    level = models.CharField("获奖级别", max_length=12, choices=Level.choices)
    grade = models.CharField("奖项", max_length=30, help_text="如 一等奖、优胜奖。")
    amount = models.DecimalField("奖金(元)", max_digits=14, decimal_places=2, default=Decimal(0),
                                 validators=[MinValueValidator(Decimal(0), "奖金不能为负数。")])
    awarded_on = models.DateField("获奖日期")

    class Meta:
        verbose_name = "获奖"
        verbose_name_plural = "获奖"
        ordering = ["entry", "awarded_on"]
        constraints = [models.UniqueConstraint(fields=["entry", "level"], name="prize_one_per_level")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.grade}"
