"""我的待办: what waits for an account, gathered from every app (issue 24 item 5).

Each app that has work for somebody declares it in its own ``todo.py`` with a function ``groups(user, today)``
returning ``Group`` objects: a label, a count, the oldest items and a link to the app's own list. This module only
collects them, so an app's rules about who holds an item stay in that app (its access layer decides what the account
may see, the same as on its pages).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

#: How many items of a group the page lists (oldest first); the group's link opens the rest.
SHOWN = 10


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    since: dt.date | None = None  # waiting since (oldest first)
    due: dt.date | None = None  # deadline, when the item has one
    note: str = ""


@dataclass
class Group:
    """One kind of work for the account, e.g. 待区市初审的申报: ``count`` is exact; ``items`` computes the shown ones."""

    label: str
    count: int
    more_url: str = ""
    items: Callable[[], Iterable[Task]] = field(default=lambda: ())

    @functools.cached_property
    def tasks(self) -> list[Task]:  # read once: the page lists them and counts them
        return list(self.items())[:SHOWN]


def _sources() -> list[Callable[[Any, dt.date], Iterable[Group]]]:
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.todo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.todo":
                raise
            continue
        found.append(module.groups)
    return found


def groups_for(user: Any, today: dt.date | None = None) -> list[Group]:
    """Every non-empty group of work for ``user``, in the order of the installed apps."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()  # the platform's day (Asia/Shanghai), not the server's
    return [g for source in _sources() for g in source(user, today) if g.count]


def count_for(user: Any) -> int:
    """The number shown beside 我的待办 in the navigation: kept a minute per account, so a page costs no counting."""
    if not getattr(user, "is_authenticated", False):
        return 0
    key = f"worklist:count:{user.pk}"
    n = cache.get(key)
    if n is None:
        n = sum(g.count for g in groups_for(user))
        cache.set(key, n, 60)
    return n
