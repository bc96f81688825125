"""manage.py techmarket_expire: published needs and achievements past their date become 已过期 (run daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from techmarket.services import expire_listings


class Command(BaseCommand):
    help = "将超过有效期的需求和成果标记为已过期"

    def handle(self, *args, **opts) -> None:
        self.stdout.write(f"已过期：{expire_listings()} 条。")
