"""Fixtures of the security tests: the demo city plus one account of every role and another party's objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

PASSWORD = "demo12345"


@dataclass
class Parties:
    """Accounts of every role and, for each, objects that belong to someone else."""

    users: dict[str, Any]
    own_org: Any  # the enterprise account's organisation
    other_org: Any  # an enterprise in another district than the district account's, not the enterprise's
    district_org: Any  # an organisation inside the district account's zone


@pytest.fixture
def parties(demo_city) -> Parties:
    from accounts.models import Role, User
    from indicators.catalogue import sync
    from indicators.models import Indicator
    from registry.models import IndustryChain, Organization, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    sync(Indicator, Region)  # migration data that transactional tests elsewhere flush
    users = {u.username: u for u in User.objects.all()}
    zone = Region.objects.get(code="Z-GAOQU")
    provider_org = Organization.objects.filter(kind="service_provider").order_by("id").first()
    provider, _ = User.objects.get_or_create(username="provider", defaults={"role": Role.PROVIDER})
    provider.organization, provider.role = provider_org, Role.PROVIDER
    provider.set_password(PASSWORD)
    provider.save()
    finance, _ = User.objects.get_or_create(username="finance", defaults={"role": Role.FINANCE})
    finance.set_password(PASSWORD)
    finance.save()
    evaluator, _ = User.objects.get_or_create(username="evaluator", defaults={"role": Role.EVALUATOR})
    evaluator.role = Role.EVALUATOR
    evaluator.set_password(PASSWORD)
    evaluator.save()
    users.update(provider=provider, finance=finance, evaluator=evaluator)
    own = users["enterprise"].organization
    other = (Organization.objects.filter(kind="enterprise").exclude(region=zone).exclude(pk=own.pk)
             .exclude(pk=provider_org.pk).order_by("id").first())
    inside = Organization.objects.filter(region=zone).exclude(pk=own.pk).order_by("id").first()
    return Parties(users=users, own_org=own, other_org=other, district_org=inside)
