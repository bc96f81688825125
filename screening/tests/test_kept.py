"""我能享受的政策 reads kept results (issue 28 item 1): computed once per change of the entity's facts or of the rules,
never per request, and always the figures the engine gives."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.test.utils import override_settings

from accounts.models import User
from policy import services as engine
from reference import services as reference
from registry.models import AnnualFacts, Organization, Qualification
from scifinance import services as finance
from scifinance.tests.conftest import fw, loan_values  # noqa: F401 - the fixture
from screening.models import KeptEntitlements
from screening.services import kept
from screening.tests.conftest import A07, A07_FIRST, A07_RE

YEAR = 2024


def page(username: str, year: int) -> str:
    c = Client()
    c.force_login(User.objects.get(username=username))
    response = c.get(f"/screening/mine/?year={year}")
    assert response.status_code == 200
    return response.content.decode()


def a07_cell(text: str) -> str:
    card = text[text.index(f'data-year="{YEAR}"'):text.index(f'data-year="{YEAR - 1}"')]
    row = card[card.index("<td>新认定/重新认定高新技术企业奖励</td>"):]
    return row[:row.index("</tr>")]


@pytest.fixture
def hte_enterprise(demo_city):
    """The enterprise demo account, moved to an organisation first certified as high-tech in YEAR."""
    q = Qualification.objects.filter(kind="high_tech_enterprise", certification="first_certification",
                                     valid_from__year=YEAR, organization__kind="enterprise").first()
    User.objects.filter(username="enterprise").update(organization=q.organization)
    return q


def refuse(*args, **kwargs):
    raise AssertionError("the page ran the engine")


def test_the_page_keeps_what_it_computed_and_then_runs_no_engine(hte_enterprise, monkeypatch):
    org = hte_enterprise.organization
    first = page("enterprise", YEAR)
    assert "应享</span>20 万元" in a07_cell(first)
    rows = {r.year: r for r in KeptEntitlements.objects.filter(organization=org)}
    assert set(rows) == {YEAR, YEAR - 1} and not any(r.stale for r in rows.values())
    assert all(r.rules == kept.rules_key() for r in rows.values())
    assert any(r["provision_id"] == A07 and Decimal(r["amount"]) == A07_FIRST for r in rows[YEAR].results)
    monkeypatch.setattr(engine, "evaluate_organization_years", refuse)
    def body(text: str) -> str:  # the page without its per-request CSRF tokens
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert body(page("enterprise", YEAR)) == body(first)  # the same page, from the kept rows alone


def test_a_changed_fact_shows_the_new_amount(hte_enterprise, monkeypatch):
    """A 第7条: first certification 20 万, re-certification 10 万: the qualification corrected, the page says 10 万."""
    assert "应享</span>20 万元" in a07_cell(page("enterprise", YEAR))
    hte_enterprise.certification = "re_certification"
    hte_enterprise.save()
    row = KeptEntitlements.objects.get(organization=hte_enterprise.organization, year=YEAR)
    assert row.stale and row.generation == 1
    assert "应享</span>10 万元" in a07_cell(page("enterprise", YEAR))
    expected = {r.provision_id: r.amount for r in engine.evaluate_organization(hte_enterprise.organization, YEAR).results}
    assert expected[A07] == A07_RE


def test_the_refresh_job_computes_stale_rows_in_batches_as_the_engine_does(demo_city, monkeypatch):
    """The job (evaluate_many, facts in columns) writes what the entity's own evaluation gives, for every
    organisation of the city; the page then reads them without the engine."""
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True)[:40])
    assert kept.keep(YEAR, ids) == 40
    assert kept.refresh() == 40
    for org in Organization.objects.filter(id__in=ids):
        row = KeptEntitlements.objects.get(organization=org, year=YEAR)
        assert not row.stale
        want = [r.to_dict() for r in engine.evaluate_organization(org, YEAR).results if r.status in ("applies", "near")]
        assert row.results == want, org.pk
    AnnualFacts.objects.filter(organization_id=ids[0], year=YEAR).update(rd_expense=0)  # bulk: no signal
    kept.facts_changed([ids[0]])
    assert list(KeptEntitlements.objects.filter(stale=True).values_list("organization_id", flat=True)) == [ids[0]]
    assert kept.refresh() == 1
    assert kept.refresh() == 0  # nothing stale, and the rules' full pass done: only the stale rows are looked at
    kept.import_done(organization_ids={ids[1], ids[2]})  # an Excel import that says which organisations it wrote
    assert set(KeptEntitlements.objects.filter(stale=True).values_list("organization_id", flat=True)) == {ids[1], ids[2]}
    kept.import_done()  # an import that does not say: every row
    assert KeptEntitlements.objects.filter(stale=True).count() == 40


def test_a_row_computed_while_its_facts_changed_stays_stale(demo_city):
    org = Organization.objects.filter(kind="enterprise").first()
    kept.keep(YEAR, [org.pk])
    row = KeptEntitlements.objects.get(organization=org, year=YEAR)
    kept.facts_changed([org.pk])  # a change lands between reading the generation and writing the results
    kept._store([(org.pk, YEAR, row.generation, [])], kept.rules_key())
    assert KeptEntitlements.objects.get(pk=row.pk).stale


def test_changed_rules_are_computed_again(hte_enterprise):
    """Another interpretation chosen in settings is another rules key: the kept rows are not read as current."""
    page("enterprise", YEAR)
    key = kept.rules_key()
    with override_settings(POLICY_INTERPRETATIONS={"a_survives_b": 0}):
        assert kept.rules_key() != key
        page("enterprise", YEAR)
        row = KeptEntitlements.objects.get(organization=hte_enterprise.organization, year=YEAR)
        assert row.rules == kept.rules_key() and not row.stale


def test_a_reference_value_entered_shows_the_new_amount(fw):  # noqa: F811
    """B 第25条: a loan of 500 万 signed 2025-12-15 needs the November LPR: 接近符合 until the bureau enters it, then
    500 万 × 3.00% × 20% = 3 万 on the page at once (a new rules key: the reference data's version)."""
    finance.register_loan(fw.banker, fw.bank, loan_values(fw, product="知识产权质押贷款", amount="5000000",
                                                          contract_date="2025-12-15"))
    text = page("alice", 2025)
    card = text[text.index('data-year="2025"'):text.index('data-year="2024"')]
    assert "缺少 2025 年 11 月 1 年期 LPR" in card
    assert KeptEntitlements.objects.filter(organization=fw.ent_a, year=2025, stale=False).exists()
    reference.save_value(reference.table("lpr_1y"), dt.date(2025, 11, 1), Decimal("3.00"), "公布", fw.bea)
    text = page("alice", 2025)
    card = text[text.index('data-year="2025"'):text.index('data-year="2024"')]
    assert "3 万元" in card and "缺少 2025 年 11 月" not in card


def test_a_claim_takes_the_kept_amount_and_a_changed_fact_the_new_one(hte_enterprise, monkeypatch):
    """申报 (政策兑现) reads the same kept row as the page: no engine while it is fresh, the new amount once the facts
    changed."""
    from funding import money

    org = hte_enterprise.organization
    user = User.objects.get(username="enterprise")
    money.create_programme(None, "科技创新发展专项资金", YEAR)
    page("enterprise", YEAR)  # the row kept
    with monkeypatch.context() as m:
        m.setattr(engine, "evaluate_organization_years", refuse)
        m.setattr(engine, "evaluate_organization", refuse)
        claim, created = money.claim_entitlement(user, org, A07, YEAR)
    assert created and claim.entitled_amount == A07_FIRST
    claim.delete()
    hte_enterprise.certification = "re_certification"
    hte_enterprise.save()
    claim, created = money.claim_entitlement(user, org, A07, YEAR)
    assert created and claim.entitled_amount == A07_RE


def test_an_excel_import_makes_stale_only_the_organisations_it_wrote(demo_city, django_capture_on_commit_callbacks):
    from registry import excel

    ids = list(Organization.objects.filter(kind="enterprise", uscc__isnull=False).order_by("id")
               .values_list("id", flat=True)[:5])
    kept.keep(YEAR, ids)
    kept.refresh()
    changed = Organization.objects.get(pk=ids[3])
    facts = [[changed.uscc, YEAR, 1200000, 1100000, 60000, "是", 30, 5, 1, None]]
    with django_capture_on_commit_callbacks(execute=True):
        result = excel.import_workbook(excel.build_workbook([], facts), None)
    assert result.ok, result.errors[:3]
    # marked stale (its generation moved), then computed again by the refresh job the change queued (at once here)
    generations = dict(KeptEntitlements.objects.filter(year=YEAR).values_list("organization_id", "generation"))
    assert generations == {i: (1 if i == ids[3] else 0) for i in ids}
