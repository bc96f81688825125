"""Encrypt (or re-encrypt under the newest key) every personal-data column: after prepending a key to
KECHUANG_FIELD_KEYS, run this, then drop the old key. Plaintext rows (restored from an old backup) are encrypted too."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core import crypto


class _Editor:
    """What core.crypto's column helpers use of a schema editor (SQLite's own refuses to open inside atomic())."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cur:
            cur.execute(sql)


class Command(BaseCommand):
    help = "加密（或用最新密钥重新加密）所有个人信息字段：银行账号、证件号、联系电话。"

    def handle(self, *args: Any, **options: Any) -> None:
        editor = _Editor()
        with transaction.atomic():
            for label, field, key_field in crypto.encrypted_fields():
                with crypto.append_only_lifted(label, editor):
                    n = crypto.encrypt_column(apps, editor, label, field, key_field)
                self.stdout.write(f"{label}.{field}：{n} 行")
