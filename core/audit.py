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
