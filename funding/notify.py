"""The one way this app tells an organisation something: an in-platform notice (screening.notices.notify, which
links the notice to the item) and an e-mail that names the item's path."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from screening import notices
from screening.models import Notice

log = logging.getLogger(__name__)


def notify(organization: Any, title: str, body: str, path: str = "", actor: Any = None) -> Notice:
    full_body = f"{body}\n查看：{path}" if path else body
    notice = notices.notify(organization, title, body, link=path, actor=actor)
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
