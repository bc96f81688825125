"""Plan indicators (document C's table and the numeric targets of A, C, D, E) and their yearly observations.

The catalogue rows come from the jurisdiction's indicator catalogue (``indicators.catalogue``; loaded by a data
migration and by ``manage.py indicators sync``); observations are entered by staff or imported from Excel. Observations are
append-only: a correction is a new version of the same (indicator, year, region), never an overwrite.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


def plain(d: Decimal | None) -> str:
    """A decimal without trailing zeros and without exponent notation (400, not 4E+2)."""
    return "—" if d is None else format(d.normalize(), "f")


class Indicator(models.Model):
    class UnitKind(models.TextChoices):
        PERCENT = "percent", "比重（%，0–100）"
        GROWTH = "growth", "增长率（%）"
        COUNT = "count", "数量"
        AMOUNT = "amount", "金额"
        RATE = "rate", "人均/万人指标"

    class TargetKind(models.TextChoices):
        LEVEL = "level", "到目标年达到目标值"
        ANNUAL_GROWTH = "annual_growth", "年均增长（%）"
        ANNUAL_POINTS = "annual_points", "每年提高（百分点）"

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", "达到或超过"
        ABOUT = "about", "左右"

    class Projection(models.TextChoices):
        COMPOUND = "compound", "按年均复合增长率外推"
        LINEAR = "linear", "按年均变化量线性外推"

    code = models.CharField("编码", max_length=60, unique=True)
    name = models.CharField("指标", max_length=80)
    category = models.CharField("类别", max_length=20, db_index=True)
    definition = models.TextField("定义", blank=True)
    unit = models.CharField("单位", max_length=10)
    unit_kind = models.CharField("单位类型", max_length=10, choices=UnitKind.choices)
    target_kind = models.CharField("目标类型", max_length=16, choices=TargetKind.choices)
    direction = models.CharField("目标方向", max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    projection = models.CharField("外推方法", max_length=10, choices=Projection.choices)
    document = models.CharField("文件", max_length=60)
    document_key = models.CharField("文件代号", max_length=2)
    article = models.CharField("条款", max_length=60)
    quote = models.TextField("原文", blank=True)
    jurisdiction = models.ForeignKey(
        "registry.Region", verbose_name="适用区域", on_delete=models.PROTECT, related_name="indicators"
    )
    start_year = models.PositiveSmallIntegerField("规划起始年")
    baseline_year = models.PositiveSmallIntegerField("基期年", null=True, blank=True)
    baseline_value = models.DecimalField("基期值", max_digits=16, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField("目标年")
    target_value = models.DecimalField("目标值", max_digits=16, decimal_places=4)
    change_text = models.CharField("年均增速/[累计]", max_length=40, blank=True)
    department = models.CharField("责任单位", max_length=120, blank=True)
    computed = models.CharField("登记数据计算方法", max_length=40, blank=True)
    districts = models.BooleanField("分区市", default=False)
    same_series_as = models.CharField("共用数据序列", max_length=60, blank=True,
                                      help_text="与另一指标是同一统计口径时，观测值取自该指标。")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "规划指标"
        verbose_name_plural = "规划指标"
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.name}（{self.document_key} {self.article}）"

    @property
    def series_code(self) -> str:
        """The indicator whose observations this one reads (itself, unless it shares a statistical series)."""
        return self.same_series_as or self.code

    @property
    def baseline_text(self) -> str:
        return plain(self.baseline_value)

    @property
    def target_text(self) -> str:
        return plain(self.target_value)

    @property
    def citation(self) -> str:
        return f"{self.document} {self.article}"

    @property
    def is_count(self) -> bool:
        return self.unit_kind == self.UnitKind.COUNT

    def format_value(self, value: float | Decimal | None) -> str:
        """A figure as users read it: counts as whole numbers, others with at most two decimals; separators."""
        if value is None:
            return "—"
        if self.is_count:
            return f"{round(float(value)):,}"
        text = f"{float(value):,.2f}"
        return text.rstrip("0").rstrip(".")

    @property
    def target_display(self) -> str:
        if self.target_kind == self.TargetKind.LEVEL:
            return self.format_value(self.target_value)
        if self.change_text:
            return self.change_text
        if self.target_kind == self.TargetKind.ANNUAL_GROWTH:
            return f"年均增长{self.target_text}%"
        return f"每年提高{self.target_text}个百分点"

    @property
    def change_explained(self) -> str:
        """The table's bracket notation spelled out: "[0.44]" is the change over the plan period, not a level."""
        text = self.change_text.strip()
        if text.startswith("[") and text.endswith("]"):
            start = self.baseline_year or self.start_year
            return f"{start}—{self.target_year}年累计增加{text[1:-1]}{self.unit}"
        return text

    @property
    def source_hint(self) -> str:
        """Where this indicator's figures come from, shown when it has none yet."""
        if self.computed:
            return "由平台登记库按指标口径自动统计；登记库中尚无相关记录。"
        from indicators.catalogue import reported_by

        who = self.department or reported_by(self.document_key)
        return f"待录入：由{who}提供年度统计数据，在本页“录入观测值”或“导入观测值”（Excel）中填报。"

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        return {"percent": (0.0, 100.0), "growth": (-100.0, None)}.get(self.unit_kind, (0.0, None))


class Observation(models.Model):
    """One version of the value of an indicator for a year, for its jurisdiction or one district of it.

    The current value is the highest version; earlier versions stay as the correction history.
    """

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="observations")
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        "registry.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+",
        help_text="指标适用区域本身（全市或下辖县级市），或其下的区市/功能区。",
    )
    value = models.DecimalField("数值", max_digits=16, decimal_places=4)
    version = models.PositiveSmallIntegerField("版本", default=1)
    series = models.CharField("数据序列", max_length=60, blank=True, db_index=True,
                              help_text="共用数据序列的指标写入同一序列；同一序列、年度、区域的版本号唯一。")
    source = models.CharField("数据来源", max_length=120)
    note = models.CharField("备注", max_length=200, blank=True)
    reason = models.CharField("更正原因", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)
    channel = models.CharField("途径", max_length=12, default="form")

    class Meta:
        verbose_name = "指标观测值"
        verbose_name_plural = "指标观测值"
        ordering = ["indicator", "year", "region", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "region", "version"], name="observation_version_unique"
            ),
            # Two first entries through shared-series codes, or two simultaneous corrections, cannot both be
            # "version N" of one series (issue 12).
            models.UniqueConstraint(fields=["series", "year", "region", "version"], name="observation_series_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.year} = {self.value}（第{self.version}版）"

    def save(self, *args, **kwargs) -> None:
        if not self.series:
            self.series = self.indicator.series_code
        super().save(*args, **kwargs)

    CHANNEL_LABELS = {"form": "页面录入", "excel": "Excel 导入", "api": "接口", "cli": "命令行", "demo": "示范数据"}

    @property
    def channel_label(self) -> str:
        return self.CHANNEL_LABELS.get(self.channel, self.channel)


class RegistryCount(models.Model):
    """A figure counted from the registry (one function of ``indicators.computed``) for one year, kept so that pages
    and reports never count a large registry on a request (``indicators.counts`` refreshes them).

    ``area`` is "" for the whole city, else the code of the smaller jurisdiction counted (with its zones); ``region``
    is "" for the area's total, else one district's or zone's figure.
    """

    computed = models.CharField("登记数据计算方法", max_length=40)
    year = models.PositiveSmallIntegerField("年度")
    area = models.CharField("统计范围", max_length=20, blank=True)
    region = models.CharField("区市/功能区", max_length=20, blank=True)
    value = models.FloatField("数值")
    counted_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "登记数据统计值"
        verbose_name_plural = "登记数据统计值"
        constraints = [models.UniqueConstraint(fields=["computed", "year", "area", "region"],
                                               name="registry_count_unique")]

    def __str__(self) -> str:
        return f"{self.computed} {self.year} {self.area or '全市'} {self.region or '合计'} = {self.value:g}"


class RegistryChange(models.Model):
    """A change to rows the registry counts read, not yet taken into ``RegistryCount``: the function (figure) it can
    alter, the region it touched and the first year whose figures it can change (``indicators.counts.scopes_of``). One row per committed transaction and
    region; the refresh recounts what they touch and deletes them. No region: anything (an import) — all recounted.
    Kept in the database, which web and worker processes share."""

    computed = models.CharField("登记数据计算方法", max_length=40, blank=True, default="",
                                help_text="变更可能影响的指标计算方法；空表示全部。")
    region = models.CharField("区市/功能区", max_length=20, blank=True, default="",
                              help_text="变更涉及的区市/功能区代码；空表示范围不明（如整表导入），下次全部重新统计。")
    from_year = models.PositiveSmallIntegerField("起始年度", null=True, blank=True,
                                                 help_text="变更可能影响的最早年度（此后各年度都重新统计）；空表示所有年度。")
    changed_at = models.DateTimeField("变更时间")

    class Meta:
        verbose_name = "登记数据变更"
        verbose_name_plural = "登记数据变更"

    def __str__(self) -> str:
        where = self.region or "全部区市"
        since = f"{self.from_year} 年起" if self.from_year else "所有年度"
        return f"{where} {since}（{self.changed_at:%Y-%m-%d %H:%M:%S}）"
