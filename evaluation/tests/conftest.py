"""Generated cities with planted effects (evaluation.demo), and accounts of the roles that use evaluation."""

from __future__ import annotations

from typing import Any

import pytest

#: Qualifying years evaluated: B is in force from 2023-07-13, and the demo's facts reach at least 2026.
YEARS = (2023, 2025)



def make_user(username: str, role: str, **extra: Any) -> Any:
    from accounts.models import User

    user, _ = User.objects.get_or_create(username=username, defaults={"role": role, **extra})
    user.role = role
    for k, v in extra.items():
        setattr(user, k, v)
    user.save()
    return user


@pytest.fixture
def users(db) -> dict[str, Any]:
    from registry.models import Region

    zone = Region.objects.filter(code="Z-GAOQU").first()
    return {"bureau": make_user("eval-bureau", "bureau"), "finance": make_user("eval-finance", "finance"),
            "evaluator": make_user("eval-evaluator", "evaluator"),
            "other_evaluator": make_user("eval-evaluator-2", "evaluator"),
            "district": make_user("eval-district", "district", region=zone),
            "enterprise": make_user("eval-enterprise", "enterprise")}
