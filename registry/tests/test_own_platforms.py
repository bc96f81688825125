"""Issue 13: an enterprise account opens the platforms it leads, linked from its own profile; others stay 404."""

from __future__ import annotations

from django.test import Client

from accounts.models import User
from registry.models import Organization, PlatformMembership


def test_enterprise_sees_its_own_platforms_and_no_others(demo_city):
    user = User.objects.get(username="enterprise")
    own = PlatformMembership.objects.filter(organization=user.organization).select_related("platform").first()
    assert own is not None, "the demo enterprise leads a platform"
    c = Client()
    c.force_login(user)
    profile = c.get(f"/registry/{user.organization_id}/").content.decode()
    assert f"/registry/{own.platform_id}/" in profile
    page = c.get(f"/registry/{own.platform_id}/")
    assert page.status_code == 200 and own.platform.name in page.content.decode()
    other = Organization.objects.filter(kind="platform").exclude(memberships__organization=user.organization).first()
    assert c.get(f"/registry/{other.pk}/").status_code == 404
    assert c.get(f"/api/registry/organizations/{other.pk}/").status_code == 404
    assert c.get(f"/registry/{own.platform_id}/edit/").status_code in (403, 404)  # seeing is not editing


def test_demo_relations_and_names_are_plausible(demo_city):
    """No high-tech enterprise with 3 employees leading a provincial key laboratory; no 科技科技; no 孔子."""
    from registry.demo import LAST_YEAR
    from registry.models import AnnualFacts, Person

    leads = PlatformMembership.objects.filter(role="lead", organization__kind="enterprise").values("organization_id")
    small = AnnualFacts.objects.filter(organization_id__in=leads, year=LAST_YEAR).filter(employees__lt=10)
    assert not small.exists()
    assert not AnnualFacts.objects.filter(organization_id__in=leads, year=LAST_YEAR, rd_staff=0).exists()
    hte = Organization.objects.filter(qualifications__kind="high_tech_enterprise").values("id")
    assert not AnnualFacts.objects.filter(organization_id__in=hte, year=LAST_YEAR, rd_staff=0,
                                          organization__qualifications__valid_to__gte=f"{LAST_YEAR}-12-31").exists()
    assert not Organization.objects.filter(name__contains="科技科技").exists()
    names = list(Person.objects.values_list("name", flat=True)) + list(
        Organization.objects.values_list("legal_representative", flat=True))
    assert not [n for n in names if n and n.endswith("子") and len(n) == 2]
