"""科技专家库 (B 第28条 "丰富威海市科技专家库") and expert review rounds (C 九（二） "统一、公开、透明的市级科技管理平台", 九（三） "项目评审……
"一站式"管理").

An Expert is a registry.Person of kind expert with a profile: organisation, employment history, fields (industry
chains of document C and GB/T 13745-2009 discipline codes), keywords, unavailable periods and declared relations.
A ReviewRound holds generic ReviewItems (the funding app attaches its applications through the generic link),
the computed conflicts, the assignments and the reviews.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from experts.disciplines import code_error


def _check_codes(codes: list) -> list[str]:
    return [e for e in (code_error(c) for c in codes or []) if e]


class Expert(models.Model):
    class Status(models.TextChoices):
        ADMITTED = "admitted", "入库"
        SUSPENDED = "suspended", "暂停"
        RETIRED = "retired", "退出"

    class Sector(models.TextChoices):
        ACADEMIA = "academia", "高校院所"
        INDUSTRY = "industry", "企业"
        GOVERNMENT = "government", "政府/事业单位"
        SERVICE = "service", "服务机构"
        OTHER = "other", "其他"

    person = models.OneToOneField(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="expert_profile",
        limit_choices_to={"kind": "expert"},
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="平台账户", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name="工作单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="experts",
    )
    organization_name = models.CharField("工作单位名称", max_length=120, blank=True, help_text="单位不在主体库时填写。")
    sector = models.CharField("单位性质", max_length=12, choices=Sector.choices, default=Sector.ACADEMIA)
    title = models.CharField("职称", max_length=40, blank=True)
    chains = models.ManyToManyField("registry.IndustryChain", verbose_name="产业链", blank=True)
    disciplines = models.JSONField("学科代码", default=list, blank=True, help_text="GB/T 13745-2009 代码列表。")
    keywords = models.CharField("研究方向关键词", max_length=400, blank=True, help_text="以逗号或顿号分隔。")
    achievements = models.TextField("代表性成果", blank=True, help_text="论文、专利、项目或成果名称，每行一项；用于匹配评审项目和技术需求。")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ADMITTED, db_index=True)
    yearly_cap = models.PositiveSmallIntegerField("年度评审上限（项）", default=60)
    admitted_on = models.DateField("入库日期", default=dt.date.today)
    status_note = models.CharField("状态说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.person.name

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def org_label(self) -> str:
        return self.organization.name if self.organization_id else self.organization_name

    def keyword_list(self) -> list[str]:
        import re

        return [k for k in (s.strip() for s in re.split(r"[,，、;；\s]+", self.keywords or "")) if k]

    def achievement_list(self) -> list[str]:
        return [line.strip() for line in (self.achievements or "").splitlines() if line.strip()]

    def clean(self) -> None:
        errors = _check_codes(self.disciplines)
        if errors:
            raise ValidationError({"disciplines": errors})
        if not self.organization_id and not self.organization_name:
            raise ValidationError({"organization": "请选择工作单位，或填写单位名称。"})


class Employment(models.Model):
    """A past or current employer (for "same organisation now or in the last N years")."""

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="employments")
    organization = models.ForeignKey("registry.Organization", verbose_name="单位", on_delete=models.PROTECT)
    start = models.DateField("起始日期", null=True, blank=True)
    end = models.DateField("截止日期", null=True, blank=True, help_text="空表示至今。")

    class Meta:
        verbose_name = "工作经历"
        verbose_name_plural = "工作经历"
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                                              name="experts_employment_end_after_start")]

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "截止日期不能早于起始日期。"})


class Unavailability(models.Model):
    """A period in which the expert cannot review (travel, illness): rounds whose review window overlaps skip them."""

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="unavailable")
    start = models.DateField("起始日期")
    end = models.DateField("截止日期")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "不可参评时段"
        verbose_name_plural = "不可参评时段"
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="experts_unavail_end_after_start")]

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "截止日期不能早于起始日期。"})


class DeclaredRelation(models.Model):
    """An organisation the expert declares a relation to (former employer, a relative's employer, a partner)."""

    class Kind(models.TextChoices):
        FORMER_EMPLOYER = "former_employer", "曾任职单位"
        RELATIVE = "relative", "亲属任职单位"
        PARTNER = "partner", "合作单位"
        OTHER = "other", "其他利害关系"

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="relations")
    organization = models.ForeignKey("registry.Organization", verbose_name="单位", on_delete=models.CASCADE)
    kind = models.CharField("关系", max_length=20, choices=Kind.choices)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "申报的关联关系"
        verbose_name_plural = "申报的关联关系"
        unique_together = [("expert", "organization", "kind")]


class ReviewRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "待分配"
        SOLVED = "solved", "已分配（未发布）"
        PUBLISHED = "published", "评审中"
        CLOSED = "closed", "已结束"

    class Stage(models.TextChoices):
        ONLINE = "online", "网评"
        PANEL = "panel", "会评"

    class Method(models.TextChoices):
        OPTIMAL = "optimal", "最优匹配"
        RANDOM = "random", "随机抽取"

    name = models.CharField("评审批次", max_length=120)
    programme = models.CharField("项目类别", max_length=120, blank=True)
    stage = models.CharField("阶段", max_length=8, choices=Stage.choices, default=Stage.ONLINE)
    parent = models.ForeignKey("self", verbose_name="上一阶段", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reviewers_per_item = models.PositiveSmallIntegerField("每项评审专家数", default=5)
    min_load = models.PositiveSmallIntegerField("每位专家最少评审项数", default=0)
    max_load = models.PositiveSmallIntegerField("每位专家最多评审项数", default=10)
    conflict_years = models.PositiveSmallIntegerField("同单位回避年限", default=3)
    require_industry = models.BooleanField("每项至少一位企业专家", default=False)
    method = models.CharField("分配方式", max_length=8, choices=Method.choices, default=Method.OPTIMAL)
    seed = models.BigIntegerField("随机种子", null=True, blank=True, help_text="随机抽取时保存，可复核重放。")
    randomness = models.FloatField("随机程度", default=0.0, help_text="0 为纯最优；越大越随机（随机抽取）。")
    scale_max = models.PositiveSmallIntegerField("每项评分满分", default=100)
    criteria = models.JSONField("评审指标", default=list, blank=True,
                                help_text='[{"name": "创新性", "max": 30}, …]；各指标满分之和为总分。')
    response_days = models.PositiveSmallIntegerField(
        "接受邀请期限（天）", default=3, help_text="发布后在此期限内未接受也未提交的专家自动改派候补专家；0 表示不限。")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    review_start = models.DateField("评审开始日期", default=dt.date.today)
    deadline = models.DateTimeField("提交截止时间")
    solve_state = models.CharField("求解状态", max_length=12, blank=True)
    solve_progress = models.PositiveSmallIntegerField("求解进度(%)", default=0)
    solve_message = models.TextField("求解结果说明", blank=True)
    solve_stats = models.JSONField("求解统计", default=dict, blank=True)
    close_reason = models.TextField("提前结束理由", blank=True, help_text="仍有项目未收齐评审意见时结束评审的理由。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评审批次"
        verbose_name_plural = "评审批次"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_load__gte=models.F("min_load")), name="experts_round_load_range"),
            models.CheckConstraint(condition=Q(reviewers_per_item__gte=1), name="experts_round_k_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def criteria_list(self) -> list[dict]:
        return self.criteria or [{"name": "综合评价", "max": self.scale_max}]

    @property
    def total_max(self) -> int:
        return sum(int(c["max"]) for c in self.criteria_list())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.max_load < self.min_load:
            errors["max_load"] = "每位专家最多评审项数不能小于最少评审项数。"
        if self.reviewers_per_item < 1:
            errors["reviewers_per_item"] = "每项评审专家数至少为 1。"
        if self.deadline and not 2000 <= self.deadline.year <= 2100:
            errors["deadline"] = "评审截止时间须在 2000 年至 2100 年之间，请检查年份。"
        for c in self.criteria or []:
            if not isinstance(c, dict) or not c.get("name") or int(c.get("max") or 0) <= 0:
                errors["criteria"] = "每个评审指标须有名称和大于 0 的满分。"
        if errors:
            raise ValidationError(errors)


class ReviewItem(models.Model):
    """One thing to review: an application of the funding workflow (generic link) or a stand-alone item."""

    round = models.ForeignKey(ReviewRound, verbose_name="评审批次", on_delete=models.CASCADE, related_name="items")
    title = models.CharField("项目名称", max_length=200)
    abstract = models.TextField("摘要", blank=True)
    keywords = models.CharField("关键词", max_length=400, blank=True)
    disciplines = models.JSONField("学科代码", default=list, blank=True)
    chain = models.ForeignKey("registry.IndustryChain", verbose_name="产业链", null=True, blank=True,
                              on_delete=models.SET_NULL)
    applicant = models.ForeignKey("registry.Organization", verbose_name="申报单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField("申报单位名称", max_length=120, blank=True)
    participants = models.ManyToManyField("registry.Organization", verbose_name="参与单位", blank=True,
                                          related_name="+")
    team = models.ManyToManyField("registry.Person", verbose_name="项目团队成员", blank=True, related_name="+")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    shortlisted = models.BooleanField("入围会评", default=False)

    class Meta:
        verbose_name = "评审项目"
        verbose_name_plural = "评审项目"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def applicant_label(self) -> str:
        return self.applicant.name if self.applicant_id else self.applicant_name

    def clean(self) -> None:
        errors = _check_codes(self.disciplines)
        if errors:
            raise ValidationError({"disciplines": errors})


class Conflict(models.Model):
    """A computed or declared conflict of interest between an expert and an item: a hard constraint."""

    class Reason(models.TextChoices):
        SAME_ORG = "same_org", "同一单位"
        FORMER_ORG = "former_org", "近年曾任职"
        PLATFORM = "platform", "同一平台/联合体成员"
        CO_APPLICANT = "co_applicant", "共同申报/团队成员"
        DECLARED = "declared", "申报的关联关系"
        DECLARED_ON_ITEM = "declared_on_item", "专家声明回避"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="conflicts")
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField("回避原因", max_length=20, choices=Reason.choices)
    detail = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        indexes = [models.Index(fields=["round", "expert"])]


class PairRule(models.Model):
    """Staff's pin (must review) or exclusion (must not review) of an expert for an item; the solver obeys it."""

    class Kind(models.TextChoices):
        PIN = "pin", "指定"
        EXCLUDE = "exclude", "排除"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="pair_rules")
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE)
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)

    class Meta:
        verbose_name = "指定/排除"
        verbose_name_plural = "指定/排除"
        unique_together = [("item", "expert")]


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "待评审"
        SUBMITTED = "submitted", "已提交"
        WITHDRAWN = "withdrawn", "已回避（改派）"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    affinity = models.FloatField("匹配度", default=0)
    reasons = models.JSONField("匹配理由", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    pinned = models.BooleanField("指定", default=False)
    accepted_at = models.DateTimeField("接受邀请时间", null=True, blank=True)
    withdrawn_reason = models.CharField("退出原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评审分配"
        verbose_name_plural = "评审分配"
        ordering = ["item_id", "-affinity"]
        constraints = [
            models.UniqueConstraint(fields=["item", "expert"], name="experts_assignment_unique_pair"),
        ]


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField("各指标得分", default=dict)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    comment = models.TextField("评审意见")
    submitted_at = models.DateTimeField("提交时间", auto_now=True)

    class Meta:
        verbose_name = "评审意见"
        verbose_name_plural = "评审意见"


class Notice(models.Model):
    """An in-platform notice to an expert: new assignments, reassignments, deadline reminders."""

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="notices")
    round = models.ForeignKey(ReviewRound, verbose_name="评审批次", null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField("类型", max_length=16)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "专家通知"
        verbose_name_plural = "专家通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["expert", "round", "kind"], condition=Q(kind="reminder"),
                                               name="experts_one_reminder_per_round")]
