"""Platform accounts and their roles (PRODUCT.md "Who uses it")."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    BUREAU = "bureau", "市科技局"
    DISTRICT = "district", "区市/开发区"
    ENTERPRISE = "enterprise", "企业/机构"
    PROVIDER = "provider", "服务机构"
    EXPERT = "expert", "专家"
    FINANCE = "finance", "财政局"
    EVALUATOR = "evaluator", "第三方评估机构"


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.ENTERPRISE)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name="所属区市",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="区市账户只管理本区域的主体。",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name="所属主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        help_text="企业、机构和服务机构账户只能看到和修改本主体。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def is_bureau(self) -> bool:
        return self.is_superuser or self.role == Role.BUREAU

    @property
    def is_government(self) -> bool:
        """Bureau, district and finance staff: may see beyond their own organisation."""
        return self.is_superuser or self.role in (Role.BUREAU, Role.DISTRICT, Role.FINANCE)

    @property
    def is_entity_account(self) -> bool:
        return not self.is_superuser and self.role in (Role.ENTERPRISE, Role.PROVIDER)
