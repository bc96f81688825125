"""Issue 11 / issue 27 item 6: the year's facts in columns (policy.facts). The registry's reader (SQL) and the
situations' reader (dicts) hand their facts to the one reduction (``policy.facts.reduce_year``); both readers give the
same rows."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(monkeypatch):
    from registry import demo

    monkeypatch.setattr(demo, "LAST_YEAR", 2026)
    demo.generate(enterprises=150, seed=7, chunk_size=150, fact_years=(2021, 2025), with_accounts=False)


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_columns_give_the_same_rows_as_the_situations(city, year):
    from policy import facts, services
    from registry.models import Organization

    orgs = list(Organization.objects.order_by("id"))
    situations = services._situations(orgs)
    f, bad = facts.load([o.id for o in orgs][::-1], year)
    assert not bad
    assert f.ids.tolist() == [o.id for o in orgs][::-1]
    rows = f.rows()
    for i, org_id in enumerate(f.ids.tolist()):
        assert rows[i] == services.normalise_situation(situations[org_id], year, strict=False), org_id


def test_refused_data_takes_the_per_organisation_path(city):
    from policy import facts
    from registry.models import Organization, Recognition

    org = Organization.objects.order_by("id").first()
    Recognition.objects.create(organization=org, kind="award", subject="x", level="county", occurred_on="2024-03-01")
    _, bad = facts.load([org.id], 2024)
    assert bad == {org.id}


def test_patents_granted_in_the_registry_reach_a_art_14(city):
    """威政发〔2018〕20号 第14条: 20 invention patents granted in a year or more — read from the registry's yearly facts."""
    from policy import services
    from registry.models import AnnualFacts, Organization

    org = Organization.objects.filter(kind="enterprise").order_by("id").first()
    AnnualFacts.objects.update_or_create(organization=org, year=2024, defaults={"invention_patents_granted": 25})
    (org_id, results), = services.evaluate_many([org.id], 2024)
    hit = [r for r in results if r.provision_id == "A.14.patent_volume_reward"]
    assert hit and hit[0].status == "applies" and hit[0].amount > 0
    assert "25 件" in hit[0].explanation
    one = services.evaluate_organization(org, 2024)
    assert [r.to_dict() for r in one.results] == [r.to_dict() for r in results]


@pytest.mark.parametrize("year", [2024, 2025])
def test_finance_events_in_columns_are_those_of_the_situations(monkeypatch, year):
    """scifinance's loans, policies and loss claims (POLICY_EVENT_SOURCES) reach the columns as they reach situations."""
    import datetime as dt

    from policy import facts, services
    from registry import demo
    from registry.models import Organization
    from scifinance import demo as finance_demo

    monkeypatch.setattr(demo, "LAST_YEAR", 2026)
    demo.generate(enterprises=150, seed=7, chunk_size=150, fact_years=(2021, 2025))
    finance_demo.generate(loans=300, seed=11, today=dt.date(2025, 12, 31))
    orgs = list(Organization.objects.order_by("id"))
    situations = services._situations(orgs)
    f, bad = facts.load([o.id for o in orgs], year)
    assert not bad
    rows = f.rows()
    financing = 0
    for i, org_id in enumerate(f.ids.tolist()):
        want = services.normalise_situation(situations[org_id], year, strict=False)
        assert rows[i] == want, org_id
        financing += sum(e["kind"] == "financing" for e in want["events"])
    assert financing > 10


def test_refused_rows_are_looked_up_in_the_partial_indexes(city):
    """Each batch asks whether any of its organisations holds data the engine refuses; on PostgreSQL the question is
    answered from the partial indexes of registry.models (normally empty), which PostgreSQL uses only while the
    condition policy.facts writes is the indexes' own."""
    from django.db import connection

    from policy import facts
    from policy.services import LEVELS, QUALIFICATION_KINDS, RECOGNITION_KINDS

    if connection.vendor != "postgresql":
        pytest.skip("partial index plans are PostgreSQL's")
    queries = {
        "registry_qu_refused_idx": "SELECT DISTINCT organization_id FROM registry_qualification WHERE organization_id "
                                   f"BETWEEN 1 AND 100000 AND ({facts.refused_qualifications(QUALIFICATION_KINDS)})",
        "registry_re_refused_idx": "SELECT DISTINCT organization_id FROM registry_recognition WHERE organization_id "
                                   f"BETWEEN 1 AND 100000 AND ({facts.refused_recognitions(RECOGNITION_KINDS, LEVELS)})",
    }
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_bitmapscan = off")
        for index, sql in queries.items():
            cur.execute("EXPLAIN " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
            assert index in plan, plan


def test_the_registry_states_the_size_standard_facts():
    """Issue 27 item 2: the registry's 所属行业 (organisation), 资产总额 and declared 企业规模 (yearly facts, the
    year's else the year before's) reach the columns as they reach a situation; nothing stated reads as not known."""
    import numpy as np

    from policy import facts, services
    from registry.models import AnnualFacts, Organization, Region

    region = Region.objects.get(code="371002")
    stated = Organization.objects.create(name="甲", uscc="91350100M000100Y43", kind="enterprise", region=region,
                                         industry_sector="software_it")
    AnnualFacts.objects.create(organization=stated, year=2024, employees=80, total_assets=30_000_000, sme_size="micro")
    AnnualFacts.objects.create(organization=stated, year=2025, sales_revenue=20_000_000, total_assets=40_000_000)
    bare = Organization.objects.create(name="乙", uscc="91371000MA3C00000M", kind="enterprise", region=region)
    AnnualFacts.objects.create(organization=bare, year=2025, employees=10)
    orgs = [stated, bare]
    f, bad = facts.load([o.id for o in orgs], 2025)
    assert not bad
    assert f.texts["industry_sector"].tolist() == ["software_it", ""]
    assert f.texts["sme_size"].tolist() == ["micro", ""]
    assert f.floats["total_assets"][0] == 40_000_000 and np.isnan(f.floats["total_assets"][1])
    situations = services._situations(orgs)
    rows = f.rows()
    for i, org in enumerate(orgs):
        assert rows[i] == services.normalise_situation(situations[org.id], 2025, strict=False)
    f, _ = facts.load([stated.id], 2026)  # two years on, neither the figures nor the declared size are read
    assert f.texts["sme_size"].tolist() == [""] and f.texts["industry_sector"].tolist() == ["software_it"]
