"""Vouchers' share of 我的待办: a provider's bookings to confirm and services to record; an enterprise's service
records to confirm and vouchers about to expire; the bureau's providers to admit and settlements to check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from vouchers import access, services
from vouchers.models import Provider, ServiceRecord, SettlementBatch
from worklist.tasks import Group, Task


def groups(user: Any, today: dt.date) -> list[Group]:
    """The same waiting work the provider page and 我的创新券 show (services.provider_work, expiring_vouchers)."""
    role = access.role(user)
    org = access.org_id(user)
    out: list[Group] = []
    if role == "provider" and org:
        work = services.provider_work(user)
        pending, unrecorded = work["to_confirm"], work["to_record"]
        out.append(Group("待确认的仪器预约", pending.count(), reverse("vouchers:bookings"), lambda: (
            Task(title=f"{b.organization.name} · {b.instrument.name}", url=reverse("vouchers:booking", args=[b.pk]),
                 since=b.created_at.date(), due=timezone.localdate(b.starts_at)) for b in pending[:10])))
        out.append(Group("已开始使用、待登记服务记录的预约", unrecorded.count(), reverse("vouchers:bookings"), lambda: (
            Task(title=f"{b.organization.name} · {b.instrument.name}", url=reverse("vouchers:booking", args=[b.pk]),
                 since=timezone.localdate(b.starts_at)) for b in unrecorded[:10])))
    if role == "enterprise" and org:
        records = access.records(user).filter(organization_id=org, state=ServiceRecord.State.RECORDED).order_by("id")
        out.append(Group("服务机构已登记、待本单位确认的服务", records.count(), reverse("vouchers:mine"), lambda: (
            Task(title=f"{r.provider} · {r.description or r.get_category_display()}",
                 url=reverse("vouchers:record", args=[r.pk]), since=r.performed_on) for r in records[:10])))
        soon = services.expiring_vouchers(user, today)
        out.append(Group(f"{services.EXPIRY_WARNING_DAYS} 天内到期、仍有余额的创新券", len(soon), reverse("vouchers:mine"),
                         lambda: (Task(title=f"{v.kind} · 余额 {v.balance:,.2f} 元", url=reverse("vouchers:mine"),
                                       due=v.expires_on) for v in soon[:10])))
    if access.is_bureau(user):
        applying = Provider.objects.filter(status=Provider.Status.PENDING).select_related("organization").order_by("id")
        out.append(Group("待审核入库的服务机构", applying.count(), reverse("vouchers:providers"), lambda: (
            Task(title=p.organization.name, url=reverse("vouchers:providers")) for p in applying[:10])))
        batches = (SettlementBatch.objects.filter(state__in=[SettlementBatch.State.SUBMITTED,
                                                             SettlementBatch.State.SECOND])
                   .select_related("provider__organization").order_by("id"))
        out.append(Group("待审核的创新券结算", batches.count(), reverse("vouchers:settlements"), lambda: (
            Task(title=f"{b.provider} · {b.get_state_display()}", url=reverse("vouchers:settlement", args=[b.pk]))
            for b in batches[:10])))
    return out
