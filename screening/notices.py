"""In-platform notices: the one helper every app calls to tell an organisation something.

    from screening.notices import notify
    notify(org, "申报已受理", "您的 2025 年度研发投入递增补助申报已受理。", "/funding/claims/12/", actor=request.user)

Each notice links to what it is about (a path inside the platform); the navigation shows the unread count.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.audit import account, record
from screening.models import Notice


class NoticeInputError(ValueError):
    """Bad input for a notice; the message (Chinese) names the field and the fix."""


def _check_link(link: str) -> str:
    link = (link or "").strip()
    if link and (not link.startswith("/") or link.startswith("//")):
        raise NoticeInputError(f"通知链接“{link}”无效：请填写以 / 开头的站内路径，如 /screening/mine/。")
    if len(link) > 300:
        raise NoticeInputError("通知链接过长：请不超过 300 个字符。")
    return link


@transaction.atomic
def notify(organization: Any, title: str, body: str, link: str = "", actor: Any = None, run: Any = None) -> Notice:
    """Create one notice for ``organization`` (an Organization) and record it in the audit log."""
    title = (title or "").strip()
    if not title:
        raise NoticeInputError("通知标题不能为空。")
    notice = Notice.objects.create(organization=organization, title=title[:200], body=body or "",
                                   link=_check_link(link), created_by=account(actor), run=run)
    record(actor, "screening.notice_sent", notice, f"向 {organization} 发送通知：{notice.title}", link=notice.link)
    return notice


def unread_count(organization_id: int | None) -> int:
    if not organization_id:
        return 0
    return Notice.objects.filter(organization_id=organization_id, read_at__isnull=True).count()
