"""registry 0008: the tech-contract recognitions' seller_located values become jurisdiction-neutral, and back."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from registry.models import Organization, Recognition, Region

migration = importlib.import_module("registry.migrations.0008_located_locally")


@pytest.mark.django_db
def test_seller_located_values_are_rewritten_and_restored() -> None:
    org = Organization.objects.create(kind="enterprise", name="测试企业", uscc="91000000000000001X",
                                      region=Region.objects.exclude(kind="city").first())
    values = ["in_weihai", "outside_weihai", "", None]
    recs = [Recognition.objects.create(organization=org, kind="tech_contract", subject="development",
                                       occurred_on="2024-04-01",
                                       attributes={"role": "buyer", "contract_id": n, "seller_located": v})
            for n, v in enumerate(values)]
    other = Recognition.objects.create(organization=org, kind="award", subject="x", occurred_on="2024-04-01",
                                       attributes={"note": "outside_weihai"})

    def stored() -> list:
        return [Recognition.objects.get(pk=r.pk).attributes.get("seller_located") for r in recs]

    migration.forwards(apps, None)
    assert stored() == ["local", "outside_jurisdiction", "", None]
    assert Recognition.objects.get(pk=recs[0].pk).attributes["contract_id"] == 0  # the other keys are kept
    assert Recognition.objects.get(pk=other.pk).attributes == {"note": "outside_weihai"}
    migration.backwards(apps, None)
    assert stored() == values
