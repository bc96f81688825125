"""Monthly reference values that the policy rules read (e.g. a published interest rate), kept by staff."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class MonthlyValue(models.Model):
    """The value of reference table ``table`` for ``month`` (its first day), with its source and who entered it."""

    table = models.CharField("参考数据表", max_length=40)
    month = models.DateField("月份")
    value = models.DecimalField("数值", max_digits=9, decimal_places=4)
    source = models.CharField("来源", max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "月度参考数据"
        verbose_name_plural = "月度参考数据"
        ordering = ["table", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["table", "month"], name="reference_value_once_a_month"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=100), name="reference_value_0_100"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="reference_month_first_day"),
        ]

    def clean(self) -> None:
        if self.value is not None and not Decimal(0) <= self.value <= Decimal(100):
            raise ValidationError({"value": "数值应在 0 至 100 之间（百分比，如 3.00），请核对。"})
        if self.month is not None and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if not (self.source or "").strip():
            raise ValidationError({"source": "请填写数据来源，如“中国人民银行授权全国银行间同业拆借中心公布”。"})

    def __str__(self) -> str:
        return f"{self.table} {self.month:%Y-%m} {self.value}"

