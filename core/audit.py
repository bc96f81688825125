"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditEvent


def account(actor: Any) -> Any:
    """The user to store as the actor of a record: None for anonymous callers and system jobs."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(actor: Any, action: str, obj: models.Model | None = None, summary: str = "", **data: Any) -> AuditEvent:
    """Append an audit event. ``actor`` may be None for system jobs (the generator, a batch)."""
    return AuditEvent.objects.create(
        actor=account(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        data=data,
    )


ADMIN_ACTIONS = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}  # LogEntry's ADDITION, CHANGE, DELETION


def _admin_log_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every Django-admin add, change or delete (one LogEntry each) becomes an AuditEvent in the same transaction."""
    if not created or kwargs.get("raw"):  # loaddata (a restore) replays old log entries: not admin actions now
        return
    _record_admin(instance)


def _record_admin(entry: Any) -> None:
    model = entry.content_type.model_class() if entry.content_type_id else None
    label = model._meta.label_lower if model is not None else ""
    AuditEvent.objects.create(
        actor_id=entry.user_id, action=ADMIN_ACTIONS.get(entry.action_flag, "admin.action"), object_type=label,
        object_id=str(entry.object_id or "")[:64], summary=f"管理后台：{entry.object_repr}"[:255],
        data={"change": entry.get_change_message()},
    )


def install_admin_audit() -> None:
    """Hook the admin's log (core's AppConfig.ready): a single entry is saved (post_save); a bulk delete of several
    objects is written with bulk_create, which sends no signal, so ``log_deletions`` is wrapped for that case."""
    from django.contrib import admin
    from django.contrib.admin.models import LogEntry
    from django.db.models.signals import post_save

    post_save.connect(_admin_log_saved, sender=LogEntry, dispatch_uid="core.audit.admin_log")
    original = admin.ModelAdmin.log_deletions
    if getattr(original, "audited", False):
        return

    def log_deletions(self: Any, request: Any, queryset: Any) -> Any:
        entries = original(self, request, queryset)
        if isinstance(entries, list) and len(entries) > 1:  # bulk_create: no post_save was sent
            for entry in entries:
                _record_admin(entry)
        return entries

    log_deletions.audited = True  # type: ignore[attr-defined]
    admin.ModelAdmin.log_deletions = log_deletions
