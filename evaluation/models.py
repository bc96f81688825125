"""A policy impact evaluation (政策成效评估, C 九（四）): one provision, one outcome, a range of years, run as a job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class EvaluationRun(models.Model):
    """What was asked (provision, outcome, years), how the job went, and what it found (``result``: aggregates and
    the data behind every chart, never names or bank details; organisation ids appear only as pseudonyms)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    provision_id = models.CharField("条款", max_length=120)
    outcome = models.CharField("结果指标", max_length=40)
    year_from = models.PositiveSmallIntegerField("起始年度")
    year_to = models.PositiveSmallIntegerField("截止年度")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    stage = models.CharField("当前步骤", max_length=60, blank=True)
    result = models.JSONField("评估结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    shared_with_evaluators = models.BooleanField(
        "向第三方评估机构开放", default=False, help_text="开放后，第三方评估机构账户可查看去标识化的结果与数据。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    compute_seconds = models.FloatField("计算耗时(秒)", default=0)

    class Meta:
        verbose_name = "政策成效评估"
        verbose_name_plural = "政策成效评估"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(year_from__lte=models.F("year_to")), name="evaluation_years_ordered"),
            models.CheckConstraint(condition=Q(year_from__gte=1949, year_to__lte=2100), name="evaluation_years_sane"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="evaluation_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.provision_id} {self.year_from}–{self.year_to}"
