"""Screening runs (免申即享 proactive_benefit), what-if simulations and notices (claims are funding's).

A run's progress and results live here, not in the job queue: the queue only says "work on run N". Each batch of
organisations is written in one transaction together with the run's cursor, so a worker killed mid-run resumes at
the next batch and a re-run replaces a batch's rows instead of adding to them (unique constraints enforce it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ScreeningRun(models.Model):
    class Kind(models.TextChoices):
        SCREENING = "screening", "政策筛查"
        WHATIF = "whatif", "政策测算"

    class Scope(models.TextChoices):
        ALL = "all", "全部登记主体"
        REGION = "region", "区市/功能区"
        CHAIN = "chain", "产业链"
        LIST = "list", "指定主体清单"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.SCREENING)
    year = models.PositiveSmallIntegerField("年度")
    scope = models.CharField("范围", max_length=10, choices=Scope.choices, default=Scope.ALL)
    region = models.ForeignKey("registry.Region", verbose_name="区市", null=True, blank=True, on_delete=models.PROTECT)
    industry_chain = models.ForeignKey(
        "registry.IndustryChain", verbose_name="产业链", null=True, blank=True, on_delete=models.PROTECT
    )
    organization_ids = models.JSONField("主体清单", default=list, blank=True)
    overrides = models.JSONField("参数调整", default=dict, blank=True, help_text="政策测算：参数 → 新值。")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField("主体总数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    cursor = models.BigIntegerField("已处理至主体ID", default=0, help_text="续跑从此 ID 之后开始。")
    batches_done = models.PositiveIntegerField("已完成批次", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    error = models.TextField("错误", blank=True)
    skipped = models.JSONField("跳过的主体", default=list, blank=True,
                               help_text="数据有误、无法计算而跳过的主体：[{id, name, reason}]。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进度时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    compute_seconds = models.FloatField("计算耗时(秒)", default=0)
    batches_total = models.PositiveIntegerField(
        "批次总数", default=0, help_text="任务拆成的批次数（按主体ID分段）；0 表示尚未拆分。")
    dispatched = models.BooleanField(
        "批次已派发", default=False,
        help_text="各批次已交给队列，由任意机器上的工作进程领取；否则由发起任务的进程自己逐批计算。")
    totals_kept = models.BooleanField(
        "汇总随批次保存", default=True,
        help_text="筛查的汇总随每个批次写入（RunTotal），汇总页不再重算全部结果；此前的任务为否，按结果现算。")

    class Meta:
        verbose_name = "筛查/测算任务"
        verbose_name_plural = "筛查/测算任务"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.year}年"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def scope_label(self) -> str:
        if self.scope == self.Scope.REGION and self.region_id:
            return f"区市：{self.region}"
        if self.scope == self.Scope.CHAIN and self.industry_chain_id:
            return f"产业链：{self.industry_chain}"
        if self.scope == self.Scope.LIST:
            return f"指定清单（{len(self.organization_ids)} 家）"
        return self.Scope.ALL.label


class RunBatch(models.Model):
    """One batch of a run: the organisations of its selection with ids in (after_id, last_id]. Any queue worker on any
    machine may take it; it is done exactly once — the transaction that writes its results, totals and the run's
    progress first turns this row to ``done`` and writes nothing if it already was (a batch delivered twice, or taken
    again after its worker looked dead, adds nothing)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="batches")
    batch_no = models.PositiveIntegerField("批次号")
    after_id = models.BigIntegerField("起（不含）主体ID")
    last_id = models.BigIntegerField("止（含）主体ID")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    #: Stamped by the worker computing the batch every HEARTBEAT_EVERY: older than STALE_AFTER, its worker died.
    beat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("领取次数", default=0)
    organizations = models.PositiveIntegerField("主体数", default=0)
    compute_seconds = models.FloatField("计算耗时(秒)", default=0)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "任务批次"
        verbose_name_plural = "任务批次"
        constraints = [
            models.UniqueConstraint(fields=["run", "batch_no"], name="run_batch_once"),
            models.CheckConstraint(condition=models.Q(last_id__gte=models.F("after_id")), name="run_batch_range"),
        ]
        indexes = [models.Index(fields=["status", "beat_at"], name="run_batch_stale")]


class ScreeningResult(models.Model):
    """One result (a provision that applies, or nearly applies, to one organisation, once per qualifying event where
    the provision pays per event) in a screening run."""

    class Status(models.TextChoices):
        APPLIES = "applies", "符合"
        NEAR = "near", "接近符合"

    # No index of its own on run: the unique constraint (run, organization, provision_id, seq) serves lookups by run, and
    # every index costs time when a screening writes its rows (issue 11). No foreign-key constraint in the database
    # either: its check locks the organisation's row for every result row (three times the cost of the COPY). The
    # rows are written only by their run, for organisations it has just read, in the transaction that records the
    # run's progress (which fails if the run is gone); Django's cascade deletes them with the run or organisation.
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="results", db_index=False,
                            db_constraint=False)
    organization = models.ForeignKey("registry.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_constraint=False)
    region_id_snapshot = models.BigIntegerField("区市ID", default=0)
    provision_id = models.CharField("条款", max_length=120)
    #: The result's place among the organisation's results: a provision paid per event (e.g. each loss of a
    #: bank) gives one row per event, all kept (issue 26 item 3).
    seq = models.PositiveSmallIntegerField("序号", default=0)
    title = models.CharField("条款名称", max_length=200)
    document = models.CharField("文件", max_length=120, blank=True)
    article = models.CharField("条", max_length=60, blank=True)
    form = models.CharField("形式", max_length=40, blank=True)
    is_ceiling = models.BooleanField("上限（不超过/最高）", default=False)
    amount = models.DecimalField("金额(元)", max_digits=16, decimal_places=2, default=0)
    status = models.CharField("结论", max_length=10, choices=Status.choices)
    explanation = models.TextField("说明", blank=True)
    missing = models.JSONField("尚缺条件", default=list, blank=True)

    class Meta:
        verbose_name = "筛查结果"
        verbose_name_plural = "筛查结果"
        constraints = [
            models.UniqueConstraint(fields=["run", "organization", "provision_id", "seq"],
                                    name="screening_result_unique_seq")
        ]
        indexes = [models.Index(fields=["run", "status", "provision_id"])]


class WhatIfAggregate(models.Model):
    """Per batch totals of a what-if run, under the current rules (``base``) and the changed ones (``changed``)."""

    class Variant(models.TextChoices):
        BASE = "base", "现行规则"
        CHANGED = "changed", "调整后"

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="aggregates")
    batch_no = models.PositiveIntegerField()
    variant = models.CharField(max_length=8, choices=Variant.choices)
    provision_id = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    region_id_snapshot = models.BigIntegerField(default=0)
    is_ceiling = models.BooleanField(default=False)
    beneficiaries = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "batch_no", "variant", "provision_id", "region_id_snapshot", "is_ceiling"],
                name="whatif_aggregate_unique",
            )
        ]


class RunTotal(models.Model):
    """A screening run's totals over one batch of organisations, written in the batch's own transaction (so kept
    exactly once with its results). Batches hold disjoint organisations, each in one region, so the run's totals —
    organisations counted once per provision, per region and form, per region — are sums of these rows."""

    class Kind(models.TextChoices):
        PROVISION = "provision", "按条款"  # applies: by provision (region 0)
        REGION_FORM = "region_form", "按区市和形式"  # applies: by region and form (entitlement / ceiling)
        REGION = "region", "按区市"  # applies: organisations with any provision, by region
        NEAR = "near", "接近符合"  # near: organisations, by region

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="kept_totals")
    batch_no = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    provision_id = models.CharField(max_length=120, blank=True)
    title = models.CharField(max_length=200, blank=True)
    document = models.CharField(max_length=120, blank=True)
    article = models.CharField(max_length=60, blank=True)
    is_ceiling = models.BooleanField(default=False)
    region_id_snapshot = models.BigIntegerField(default=0)
    entities = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "batch_no", "kind", "provision_id", "region_id_snapshot", "is_ceiling"],
                name="screening_run_total_unique",
            )
        ]


class Notice(models.Model):
    """An in-platform notice to an organisation (its accounts see it under 我的通知)."""

    organization = models.ForeignKey("registry.Organization", verbose_name="接收主体", on_delete=models.CASCADE,
                                     related_name="screening_notices")
    run = models.ForeignKey(ScreeningRun, verbose_name="来源任务", null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    link = models.CharField("链接", max_length=300, blank=True, default="",
                            help_text="通知所指的页面（站内路径，如 /screening/mine/?year=2025）。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发送人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="notice_once_per_run")]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class KeptEntitlements(models.Model):
    """One organisation's results for one year (what applies, what nearly applies) as 我能享受的政策 shows them,
    kept so that the page reads one row instead of running the engine (issue 28 item 1).

    A row is valid while ``stale`` is false and ``rules`` equals the current rules key (jurisdiction, its package
    files, reference data version, interpretations: ``screening.services.kept.rules_key``). A change to the
    organisation's facts marks its rows stale and bumps ``generation``; the refresh job (or the page, for a row it
    needs at once) computes them again and writes them only as fresh if ``generation`` did not move meanwhile."""

    organization = models.ForeignKey("registry.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    rules = models.CharField("规则版本", max_length=64, blank=True)
    results = models.JSONField("结果", default=list, blank=True,
                               help_text="符合与接近符合的条款（引擎的 ProvisionResult，按条款顺序）。")
    stale = models.BooleanField("待重算", default=True)
    generation = models.PositiveIntegerField("变更次数", default=0)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)

    class Meta:
        verbose_name = "主体政策测算结果"
        verbose_name_plural = "主体政策测算结果"
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="kept_entitlements_once")]
        indexes = [models.Index(fields=["year", "organization"], condition=models.Q(stale=True),
                                name="kept_entitlements_stale")]
