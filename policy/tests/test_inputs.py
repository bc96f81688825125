"""Bad input gets a clear Chinese error naming the field — never a silent zero."""

from __future__ import annotations

import pytest

from policy import services
from policy.tests.helpers import event, situation


@pytest.mark.parametrize("sit,period,field", [
    (situation(kind="company"), "2024", "kind"),
    ({**situation(), "turnover": 1}, "2024", "situation.turnover"),
    (situation(facts={"2024": {"rd_expense": "-5"}}), "2024", "annual_facts.2024.rd_expense"),
    (situation(facts={"2024": {"profit": "5"}}), "2024", "annual_facts.2024.profit"),
    (situation(facts={"2024": {"rd_expense": "abc"}}), "2024", "annual_facts.2024.rd_expense"),
    (situation(events=[event("award", "2024/03/01")]), "2024", "recognitions[0].occurred_on"),
    (situation(events=[event("award", "2024-02-30")]), "2024", "recognitions[0].occurred_on"),
    (situation(events=[event("tech_contract", "2024-03-01", amount="-1")]), "2024", "recognitions[0].amount"),
    (situation(events=[event("party", "2024-03-01")]), "2024", "recognitions[0].kind"),
    (situation(events=[event("award", "2024-03-01", level="world")]), "2024", "recognitions[0].level"),
    (situation(kind="research_institution", events=[event("tech_contract", "2024-03-01", amount="1")]), "2024",
     "recognitions[0].kind"),
    (situation(), "24", "period"),
    (situation(), "2017", "period"),
])
def test_bad_situation_names_the_field(sit, period, field):
    with pytest.raises(services.PolicyInputError) as err:
        services.evaluate_situation(sit, period)
    assert str(err.value).startswith(field)


@pytest.mark.parametrize("overrides,field", [
    ({"b.art_99.rate": "0.1"}, "overrides.b.art_99.rate"),
    ({"b.art_09": "0.1"}, "overrides.b.art_09"),
    ({"b.art_09.rate": "1.5"}, "overrides.b.art_09.rate"),
    ({"b.art_09.cap": "-1"}, "overrides.b.art_09.cap"),
    ({"b.art_09.cap": "x"}, "overrides.b.art_09.cap"),
])
def test_bad_overrides(overrides, field):
    with pytest.raises(services.PolicyInputError) as err:
        services.evaluate_situation(situation(), "2024", overrides=overrides)
    assert str(err.value).startswith(field)


def test_override_outside_window_is_refused():
    """B.09.rd_growth_subsidy: B is not in force in 2022, so its rate cannot be tuned for 2022."""
    with pytest.raises(services.PolicyInputError, match="有效期"):
        services.evaluate_situation(situation(), "2022", overrides={"b.art_09.rate": "0.06"})


def test_override_changes_amount_only_in_that_year():
    """B.14.contract_subsidy: what-if rate 10% → 20 万 on 200 万; the base system is untouched."""
    sit = situation(quals=[{"kind": "tech_sme", "valid_from": "2024-01-01", "valid_to": "2024-12-31"}],
                    events=[event("tech_contract", "2024-03-01", "tech_development", amount="2000000")])
    def b14(result):
        return next(r.amount for r in result.results if r.provision_id == "B.14.contract_subsidy")
    assert b14(services.evaluate_situation(sit, "2024", overrides={"b.art_14.rate": "0.1"})) == 200000
    assert b14(services.evaluate_situation(sit, "2024")) == 100000


def test_unknown_interpretation():
    with pytest.raises(services.PolicyInputError, match="interpretations.nope"):
        services.evaluate_situation(situation(), "2024", interpretations={"nope": True})


def test_tunable_parameters_shape():
    params = services.tunable_parameters()
    assert params and {"path", "title", "unit", "min", "max", "value_now", "reference"} <= set(params[0])
    assert all(p["min"] <= p["value_now"] <= p["max"] for p in params)
