"""Reference data's share of 我的待办: months of a reference table that rules need and nobody has entered (for the
bureau, who enters them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from reference import access, services
from reference.store import month_words
from worklist.tasks import Group, Task


def groups(user: Any, today: dt.date) -> list[Group]:
    if not access.can_write(user):
        return []
    out = []
    for t in services.tables():
        f = services.filled(t, today)
        if not f.missing:
            continue

        def items(t=t, f=f) -> Iterable[Task]:
            for m in f.missing:
                yield Task(title=f"录入 {month_words(m)} {t.name}", url=reverse("reference:edit", args=[t.code, f"{m:%Y-%m}"]),
                           note="录入后相关政策兑现自动计算")

        out.append(Group(label=f"缺少的{t.name}", count=len(f.missing), more_url=reverse("reference:table", args=[t.code]),
                         items=items))
    return out
