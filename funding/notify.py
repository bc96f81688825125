"""The one way this app tells an organisation something: an in-platform notice (screening.Notice) and an e-mail.

The item's path is put in the body (the lead will move it to Notice's link field when merging).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from screening.models import Notice

log = logging.getLogger(__name__)


def notify(organization: Any, title: str, body: str, path: str = "", actor: Any = None) -> Notice:
    full_body = f"{body}\n查看：{path}" if path else body
    notice = Notice.objects.create(organization=organization, title=title[:200], body=full_body,
                                   created_by=actor if getattr(actor, "is_authenticated", False) else None)
    recipients = [e for e in organization.accounts.exclude(email="").values_list("email", flat=True)]
    if recipients:
        def send() -> None:
            try:
                send_mail(title, full_body, getattr(settings, "DEFAULT_FROM_EMAIL", None), recipients,
                          fail_silently=False)
            except Exception:  # noqa: BLE001 - mail trouble must not undo the state change; the notice is kept
                log.exception("notice e-mail failed for organisation %s", organization.pk)

        # only once the step is committed: a step refused later in the same transaction sends nothing
        transaction.on_commit(send)
    return notice
