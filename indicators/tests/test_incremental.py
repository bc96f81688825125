"""Issue 28: the registry counts are kept current incrementally — after a change of each kind (a new organisation, a
fact change, an organisation moved to another region, an incubation roster change, an import) the job recounts only
the regions and years the change touched, and the table and the figures shown equal a full recount."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from indicators import counts, services
from indicators.computed import TECH_PLATFORM_TYPES
from indicators.models import RegistryChange
from registry.models import AnnualFacts, Organization, Qualification, QualificationKind, Region


def _figures() -> dict:
    """The whole table, zeros left out (a region with no figure and a region with 0 show alike)."""
    return {k: (round(e.total, 6), {c: round(v, 6) for c, v in e.regions.items() if v})
            for k, e in counts.load().items()}


def _shown() -> list:
    """What the dashboard and a district table show."""
    from indicators.models import Indicator

    rows = [(r["indicator"].code, r["latest"] and (r["latest"].year, r["latest"].value, r["latest"].origin))
            for year in (2022, 2024) for r in services.dashboard(year)]
    hte = Indicator.objects.get(code="c.high_tech_enterprises")
    return rows + [(r["region"].code, r["value"]) for y in (2022, 2024) for r in services.district_table(hte, y)]


@pytest.fixture
def counted(demo_city, settings):
    settings.INDICATORS_CACHE_SECONDS = 600
    counts.refresh()
    RegistryChange.objects.all().delete()
    return len(counts.load())


def _check(change, counted: int, capture) -> dict:
    """Make the change, let the job take it in, and compare with a full recount of the same registry."""
    before = _figures()
    with capture(execute=True):
        change()
    assert counts.pending() > 0  # noted once committed
    summary = counts.refresh_changes()
    assert not summary.full and 0 < summary.figures < counted  # only what the change touched
    incremental, shown = _figures(), _shown()
    assert counts.pending() == 0
    assert incremental != before  # the change did move some figure
    counts.refresh()
    assert _figures() == incremental
    assert _shown() == shown
    return {k: v for k, v in incremental.items() if before.get(k) != v}


def test_a_new_organisation(counted, django_capture_on_commit_callbacks):
    platform = Organization.objects.filter(kind="platform", level="provincial",
                                           platform_type__in=TECH_PLATFORM_TYPES).order_by("id").first()

    def change() -> None:
        Organization.objects.create(kind="platform", name="威海测试省级重点实验室", region=platform.region,
                                    platform_type=platform.platform_type, level="provincial",
                                    established_on=dt.date(2022, 6, 1))

    changed = _check(change, counted, django_capture_on_commit_callbacks)
    assert ("provincial_platforms", 2022, "") in changed and ("provincial_platforms", 2021, "") not in changed


def test_a_fact_change_and_a_qualification_moved_earlier(counted, django_capture_on_commit_callbacks):
    from registry import services as registry_services

    facts = AnnualFacts.objects.filter(year=2022, organization__kind="enterprise").order_by("id").first()
    hte = Qualification.objects.filter(kind=QualificationKind.HIGH_TECH_ENTERPRISE,
                                       valid_from__year=2023).order_by("id").first()

    def change() -> None:
        registry_services.save_annual_facts(User.objects.get(username="bureau"), facts.organization, 2022,
                                            {"main_business_revenue": 20_000_000_000, "rd_expense": 900_000_000},
                                            channel="form")
        hte.valid_from = dt.date(2021, 3, 1)  # the earlier years count it now: the note says from 2021
        hte.save()

    changed = _check(change, counted, django_capture_on_commit_callbacks)
    assert changed and all(year >= 2021 for _, year, _ in changed)


def test_an_organisation_moved_to_another_region(counted, django_capture_on_commit_callbacks):
    held = Qualification.objects.filter(kind=QualificationKind.HIGH_TECH_ENTERPRISE, valid_from__year__lte=2022,
                                        valid_to__gte=dt.date(2024, 12, 31)).order_by("id").first()
    org = held.organization
    before = _figures()[("high_tech_enterprises", 2024, "")][1]
    old = org.region.code
    new = Region.objects.get(code=sorted(set(before) - {old})[0])

    def change() -> None:
        org.region = new
        org.save()

    after = _check(change, counted, django_capture_on_commit_callbacks)[("high_tech_enterprises", 2024, "")][1]
    assert after.get(old, 0) == before[old] - 1 and after[new.code] == before.get(new.code, 0) + 1  # both regions


def test_an_incubation_roster_change(counted, django_capture_on_commit_callbacks):
    from incubation.models import Carrier, Incubatee, Stage, Stay

    first = Qualification.objects.filter(kind=QualificationKind.HIGH_TECH_ENTERPRISE,
                                         certification=Qualification.Certification.FIRST,
                                         valid_from__year=2022).order_by("id").first()
    host = Organization.objects.filter(kind="platform", platform_type="incubator").exclude(
        region=first.organization.region).order_by("id").first()

    def change() -> None:
        carrier = Carrier.objects.create(organization=host, stage=Stage.INCUBATOR)
        incubatee = Incubatee.objects.create(organization=first.organization)
        Stay.objects.create(carrier=carrier, incubatee=incubatee, entered_on=first.valid_from - dt.timedelta(days=200))

    changed = _check(change, counted, django_capture_on_commit_callbacks)
    assert changed[("incubated_hte_cumulative", 2022, "")][1].get(host.region.code)


def test_an_import_recounts_everything(counted, django_capture_on_commit_callbacks, monkeypatch):
    from huey.contrib.djhuey import HUEY

    from indicators.tests.test_counts import _import_giant

    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr("indicators.tasks.refresh_counts", lambda: None)
    before = _figures()
    with django_capture_on_commit_callbacks(execute=True):
        _import_giant(year=2020, n=2)
    assert list(RegistryChange.objects.values_list("computed", "region", "from_year")) == [counts.EVERYTHING]
    assert counts.refresh_changes().full
    after = _figures()
    assert after != before
    counts.refresh()
    assert _figures() == after


def test_regions_touched_from_their_earliest_year():
    assert counts._touched([("371002", 2023), ("371002", 2021), ("371003", None), ("371003", 2020)]) == {
        "371002": 2021, "371003": None}


def test_a_change_recounts_only_the_figures_that_read_its_rows(counted, django_capture_on_commit_callbacks,
                                                                count_calls):
    """Yearly facts of one enterprise: the R&D and revenue figures of its region from that year on, nothing else."""
    from registry import services as registry_services

    facts = AnnualFacts.objects.filter(year=2022, organization__kind="enterprise").order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.save_annual_facts(User.objects.get(username="bureau"), facts.organization, 2022,
                                            {"rd_expense": 900_000_000}, channel="form")
    calls = count_calls(counts.FUNCTIONS, {})
    counts.refresh_changes()
    region = facts.organization.region
    assert calls and {c[0] for c in calls} <= set(counts.FACTS_FUNCTIONS)
    assert all(year >= 2022 for _, year, _, _ in calls)
    by_region = [area for _, _, area, by in calls if by]
    assert by_region and all(area == [region.code] for area in by_region)  # its region only, never the city


def test_a_technology_contract_registered(counted, django_capture_on_commit_callbacks):
    """The registration's events are written in bulk (no per-row signal): the contract's own save notes the turnover
    in its parties' regions."""
    from techmarket import services as market

    bureau = User.objects.get(username="bureau")
    buyer, seller = Organization.objects.filter(kind="enterprise").order_by("id")[:2]

    def change() -> None:
        c = market.submit_contract(bureau, {"title": "海洋传感器联合开发", "contract_type": "tech_development",
                                            "signed_on": dt.date(2024, 3, 1), "amount": "30000000"},
                                   {"organization": buyer}, {"organization": seller})
        market.contract_transition(bureau, c, "register", number="371000TC9001", on=dt.date(2024, 5, 1))

    changed = _check(change, counted, django_capture_on_commit_callbacks)
    assert ("tech_contract_turnover", 2024, "") in changed
