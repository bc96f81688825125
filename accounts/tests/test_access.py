"""The access-control layer (accounts.access) and the defects of issue 12 it closes."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import access
from registry import excel
from registry.models import AnnualFacts, Organization, Person

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_district_import_cannot_touch_another_districts_organization(parties):
    """Issue 12: a district's Excel import renamed, moved and re-valued an organisation of another district."""
    district = parties.users["district"]
    victim = parties.other_org
    name, region_id = victim.name, victim.region_id
    data = excel.build_workbook(
        [[victim.uscc, "被篡改的名称", "企业", "高区", "", ""]],
        [[victim.uscc, 2024, 999_999_999, "", "", "", "", "", "", ""]],
    )
    result = excel.import_workbook(data, district)
    assert not result.ok
    assert any("管辖范围" in e.message for e in result.errors)
    victim.refresh_from_db()
    assert (victim.name, victim.region_id) == (name, region_id)
    assert not AnnualFacts.objects.filter(organization=victim, sales_revenue=999_999_999).exists()


def test_district_import_cannot_place_an_organization_in_another_district(parties):
    district = parties.users["district"]
    data = excel.build_workbook([["91371000MA3C00001B", "新主体", "企业", "环翠", "", ""]], [])
    result = excel.import_workbook(data, district)
    assert any(e.column == "区市/功能区" for e in result.errors) or any(e.column == "统一社会信用代码" for e in result.errors)
    assert not Organization.objects.filter(name="新主体").exists()


def test_district_import_of_its_own_organization_works(parties):
    org = parties.district_org
    data = excel.build_workbook([], [[org.uscc, 2023, 1_234_567, "", "", "", "", "", "", ""]])
    result = excel.import_workbook(data, parties.users["district"])
    assert result.ok, [str(e) for e in result.errors]
    assert AnnualFacts.objects.get(organization=org, year=2023).sales_revenue == 1_234_567


def test_district_people_list_shows_only_its_region(parties):
    """Issue 12: /registry/people/ showed the whole city to a district (44 links it could not open)."""
    district = parties.users["district"]
    c = _client(district)
    page = c.get("/registry/people/")
    assert page.status_code == 200
    listed = page.context["page"].paginator.count
    expected = Person.objects.filter(organization__region_id__in=access.user_region_ids(district)).count()
    assert listed == expected < Person.objects.count()
    for person in page.context["page"]:
        if person.organization_id:
            assert c.get(f"/registry/{person.organization_id}/").status_code == 200


def test_expert_cannot_read_organizations_through_policy_api(parties):
    """Issue 12: an expert read any organisation's finances via GET /api/policy/organizations/<id>/."""
    c = _client(parties.users["expert"])
    assert c.get(f"/api/policy/organizations/{parties.other_org.pk}/").status_code == 404
    assert c.get(f"/api/registry/organizations/{parties.other_org.pk}/").status_code == 404


def test_district_cannot_move_its_organization_out_of_its_region(parties):
    c = _client(parties.users["district"])
    org = parties.district_org
    response = c.patch(f"/api/registry/organizations/{org.pk}/", {"region": parties.other_org.region_id},
                       content_type="application/json")
    assert response.status_code in (400, 403)
    org.refresh_from_db()
    assert org.region.code == "Z-GAOQU"


def test_nested_regions_belong_to_their_parent(parties):
    from registry.models import Region

    zone = Region.objects.get(code="Z-GAOQU")
    town = Region.objects.create(code="T-TEST", name="测试街道", kind="town", parent=zone)
    org = Organization.objects.create(name="街道企业", kind="enterprise", region=town)
    assert access.can_read_organization(parties.users["district"], org)
    assert not access.can_read_organization(parties.users["district"], parties.other_org)


@pytest.mark.parametrize("role,expected", [
    ("bureau", True), ("finance", True), ("district", False), ("enterprise", False), ("provider", False),
    ("expert", False),
])
def test_role_matrix_for_another_districts_organization(parties, role, expected):
    assert access.can_read_organization(parties.users[role], parties.other_org) is expected
