"""Personal data encrypted at rest (issue 25, 个人信息保护法): bank accounts, ID numbers and phone numbers.

``EncryptedCharField`` keeps the plaintext in Python (forms, validators, the length checks of core.lengths and the
services see the account as typed) and stores a Fernet token (AES-128-CBC + HMAC-SHA256, ``cryptography``) in a text
column. Keys come from ``settings.FIELD_KEYS`` (env ``KECHUANG_FIELD_KEYS``, newest first): a MultiFernet encrypts
with the first and decrypts with any, so a key is rotated by prepending the new one and running
``manage.py encrypt_personal_data``. The last (oldest) key also keys the lookup hashes below: it stays the last
entry of the list for as long as those hashes are kept (dropping it means re-running the command at once).

Why not a package: django-fernet-encrypted-fields (the maintained one for Django 5.2) derives its key from
SECRET_KEY (rotating the session key would lose the data), stores an empty value as NULL (our columns are NOT NULL
with blank ""), and hands back the ciphertext silently when a key is wrong; none gives a lookup column.

A token is random (a fresh IV each time), so the database cannot compare values: an encrypted column can only be
tested for empty (``exclude(bank_account="")``); any other lookup raises. Where code must find rows by value (the
talent-loan cap per person), a ``LookupKeyField`` beside it holds an HMAC-SHA256 of the normalised value under a key
derived from the field keys (one-way: equal values give equal keys, and the key gives nothing back).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80) starts so


@cache
def _fernet() -> Any:
    from cryptography.fernet import Fernet, MultiFernet

    keys = list(getattr(settings, "FIELD_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured("KECHUANG_FIELD_KEYS 未设置：无法加密或解密个人信息。")
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("KECHUANG_FIELD_KEYS 格式不对：每个密钥须为 Fernet.generate_key() 生成的 "
                                   "32 字节 URL-safe base64 文本，多个以逗号分隔。") from exc


@cache
def _lookup_secret() -> bytes:
    """The HMAC key of lookup columns: derived from the oldest field key (the last), so prepending a new key for
    rotation leaves every lookup value as it was."""
    keys = list(getattr(settings, "FIELD_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured("KECHUANG_FIELD_KEYS 未设置：无法计算个人信息的查询摘要。")
    return hmac.new(b"kechuang.lookup.v1", str(keys[-1]).encode(), hashlib.sha256).digest()


def reset_keys() -> None:
    """Forget the cached keys (tests that change settings.FIELD_KEYS)."""
    _fernet.cache_clear()
    _lookup_secret.cache_clear()


def is_token(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise ImproperlyConfigured("个人信息无法解密：KECHUANG_FIELD_KEYS 中没有加密该数据时所用的密钥。") from exc


def normalised(value: Any) -> str:
    """The form in which two spellings of one number are one: no spaces, upper case (ID numbers end in X or x)."""
    return "".join(str(value or "").split()).upper()


def lookup_key(value: Any) -> str:
    """HMAC-SHA256 (hex) of the normalised value; "" for an empty one."""
    text = normalised(value)
    if not text:
        return ""
    return hmac.new(_lookup_secret(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def ciphertext_max(max_length: int) -> int:
    """The longest token a plaintext of ``max_length`` characters (4 UTF-8 bytes each at most) encrypts to:
    Fernet adds 57 bytes to the PKCS7-padded text, and base64 writes 4 characters per 3 bytes."""
    raw = 57 + 16 * (4 * max_length // 16 + 1)
    return 4 * math.ceil(raw / 3)


class _EmptyOnlyExact(Exact):
    """``= ""`` works (an empty value is stored empty); comparing with a value cannot (tokens are random)."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(f"{self.lhs.target.name} 加密存储，不能按值查询：请用其查询摘要字段（LookupKeyField）。")
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """A CharField whose non-empty values are stored as Fernet tokens (a text column); ``max_length`` limits the
    plaintext, which is what forms, validators and core.lengths see."""

    description = "加密存储的文本"

    def db_type(self, connection: Any) -> str | None:
        return connection.data_types["TextField"] % {}

    def cast_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value or not is_token(value):
            return value  # empty, or a row written before its data migration ran
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None  # contains, in, startswith…: not on ciphertext (FieldError "Unsupported lookup")


class LookupKeyField(models.CharField):
    """The HMAC of another field's value (``source``), computed on every save (bulk_create too): the column that
    filters and groups rows by an encrypted value."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("blank", True), ("editable", False), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = lookup_key(getattr(model_instance, self.source, ""))
        setattr(model_instance, self.attname, value)
        return value


def encrypt_column(apps: Any, schema_editor: Any, label: str, field: str, key_field: str = "") -> int:
    """Encrypt the plaintext values of one column in place (a data migration, and ``encrypt_personal_data``, which
    also re-encrypts tokens under the newest key); fills ``key_field`` with the lookup key. Raw SQL, row by row
    in id order, so the historical model's field class does not matter. Returns the rows written."""
    model = apps.get_model(label)
    table, column = model._meta.db_table, model._meta.get_field(field).column
    qn = schema_editor.connection.ops.quote_name
    key_column = model._meta.get_field(key_field).column if key_field else ""
    written = 0
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT id, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> '' ORDER BY id")
        rows = cur.fetchall()
        for pk, value in rows:
            plain = decrypt(value) if is_token(value) else value
            token = _fernet().rotate(value.encode("ascii")).decode("ascii") if is_token(value) else encrypt(plain)
            sets, params = [f"{qn(column)} = %s"], [token]
            if key_column:
                sets.append(f"{qn(key_column)} = %s")
                params.append(lookup_key(plain))
            cur.execute(f"UPDATE {qn(table)} SET {', '.join(sets)} WHERE id = %s", [*params, pk])
            written += 1
    return written


def decrypt_column(apps: Any, schema_editor: Any, label: str, field: str) -> None:
    """The reverse of ``encrypt_column`` (migrating back): plaintext again."""
    model = apps.get_model(label)
    table, column = model._meta.db_table, model._meta.get_field(field).column
    qn = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT id, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> '' ORDER BY id")
        for pk, value in cur.fetchall():
            if is_token(value):
                cur.execute(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", [decrypt(value), pk])


def b64key(raw: bytes) -> str:
    """A Fernet key from 32 raw bytes (tests)."""
    return base64.urlsafe_b64encode(raw).decode("ascii")


def encrypted_fields() -> list[tuple[str, str, str]]:
    """(model label, field, its lookup field or "") of every encrypted column of the project."""
    from django.apps import apps

    out = []
    for model in apps.get_models():
        keys = {f.source: f.name for f in model._meta.concrete_fields if isinstance(f, LookupKeyField)}
        out += [(model._meta.label, f.name, keys.get(f.name, "")) for f in model._meta.concrete_fields
                if isinstance(f, EncryptedCharField)]
    return out


@contextmanager
def append_only_lifted(label: str, schema_editor: Any) -> Iterator[None]:
    """Rewrite an append-only table's encrypted column (the ledger's payee account): its UPDATE protection lifted
    for the statement — on PostgreSQL the model's pgtrigger Protect triggers ignored (pgtrigger.ignore), on SQLite
    the table's BEFORE UPDATE triggers dropped and re-created from their own SQL."""
    import pgtrigger
    from django.apps import apps

    model = apps.get_model(label)
    protects = [t.name for t in getattr(model._meta, "triggers", []) if isinstance(t, pgtrigger.Protect)]
    if not protects:
        yield
        return
    if schema_editor.connection.vendor == "postgresql":
        with pgtrigger.ignore(*(f"{label}:{name}" for name in protects)):
            yield
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                    "AND upper(sql) LIKE %s", [model._meta.db_table, "%BEFORE UPDATE%"])
        triggers = cur.fetchall()
    for name, _ in triggers:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    try:
        yield
    finally:
        for _, sql in triggers:
            schema_editor.execute(sql)


def mask_in_admin(site: Any) -> None:
    """Django admin shows every encrypted field masked and read-only (the administrator of the platform has no task
    that needs a payee's account or a person's ID or phone number in full); it cannot be searched by them either."""
    from core.formatting import masked

    for model, model_admin in site._registry.items():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if not names or getattr(model_admin, "_personal_masked", False):
            continue
        shown = []
        for name in names:
            def show(obj: Any, name: str = name) -> str:
                return masked(getattr(obj, name, "")) or "—"

            show.short_description = model._meta.get_field(name).verbose_name  # type: ignore[attr-defined]
            setattr(model_admin, f"{name}_masked", show)
            shown.append(f"{name}_masked")
        model_admin.exclude = tuple(model_admin.exclude or ()) + tuple(names)
        model_admin.readonly_fields = tuple(model_admin.readonly_fields or ()) + tuple(shown)
        model_admin.list_display = tuple(f"{n}_masked" if n in names else n for n in model_admin.list_display)
        model_admin.search_fields = tuple(s for s in model_admin.search_fields if s.lstrip("^=@") not in names)
        model_admin._personal_masked = True
