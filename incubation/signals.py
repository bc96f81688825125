"""Keeps the derived A 第16条 events current when a qualification or a roster row changes anywhere (pages, API,
import, admin). Bulk writes bypass signals: ``manage.py incubation sync`` recomputes everything."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from incubation.models import Stay
from registry.models import Qualification, QualificationKind


def _sync_later(org_id: int | None) -> None:
    if not org_id:
        return
    from incubation.services import sync_upgrade_events

    sync_upgrade_events([org_id])


@receiver([post_save, post_delete], sender=Qualification)
def qualification_changed(sender: Any, instance: Qualification, **kwargs: Any) -> None:
    if instance.kind == QualificationKind.HIGH_TECH_ENTERPRISE:
        from incubation.models import Incubatee

        if Incubatee.objects.filter(organization_id=instance.organization_id).exists():
            _sync_later(instance.organization_id)


@receiver(post_delete, sender=Stay)
def stay_deleted(sender: Any, instance: Stay, **kwargs: Any) -> None:
    from incubation.models import Incubatee

    _sync_later(Incubatee.objects.filter(pk=instance.incubatee_id).values_list("organization_id", flat=True).first())
