"""Who may see and keep reference data: government staff read it; the bureau enters it."""

from __future__ import annotations

from typing import Any

from accounts.access import is_staff_reader, role_of


def can_read(user: Any) -> bool:
    return is_staff_reader(user)


def can_write(user: Any) -> bool:
    return role_of(user) == "bureau"
