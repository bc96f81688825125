"""The vectorised parameter reads of policy_weihai (at_dates, a_applies_where_b_silent, txt) give exactly what asking
openfisca for the parameters at each date gave, on random dates and every parameter path; overrides on a cloned
system (policy.services._system) and later updates of a parameter are seen."""

from __future__ import annotations

import numpy as np
import pytest
from openfisca_core import periods
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter
from openfisca_core.simulations import SimulationBuilder

from policy.catalogue import PROVISIONS
from policy_weihai import build_system
from policy_weihai.variables.common import a_applies_where_b_silent, at_dates, in_force, text_in, txt


def reference_at_dates(parameters, dates, path):
    """The implementation before issue 11: the whole parameter tree at each distinct date (kept as the reference)."""
    out = np.full(len(dates), np.nan, dtype=float)
    days = dates.astype("datetime64[D]")
    for day in np.unique(days):
        try:
            node = parameters(str(day))
            for part in path.split("."):
                node = getattr(node, part)
            value = float(node)
        except ParameterNotFoundError:
            continue
        out[days == day] = value
    return out


def reference_table(parameters, dates, paths):
    """``reference_at_dates`` for many paths, building the tree once per distinct date (the same reads, less time)."""
    out = {path: np.full(len(dates), np.nan, dtype=float) for path in paths}
    days = dates.astype("datetime64[D]")
    for day in np.unique(days):
        tree, same = parameters(str(day)), days == day
        for path in paths:
            try:
                node = tree
                for part in path.split("."):
                    node = getattr(node, part)
                out[path][same] = float(node)
            except ParameterNotFoundError:
                continue
    return out


def reference_survives(parameters, dates):
    return np.array([bool(parameters(str(d)).interpretations.a_survives_b) for d in dates.astype("datetime64[D]")],
                    dtype=bool)


@pytest.fixture(scope="module")
def tbs():
    return build_system()


def leaves(tbs) -> list[str]:
    return sorted(p.name for p in tbs.parameters.get_descendants() if isinstance(p, Parameter))


def random_dates(tbs, seed: int, n: int = 200) -> np.ndarray:
    """Uniform days 2016–2030 plus every start date of every parameter and the days either side of it."""
    rng = np.random.default_rng(seed)
    starts = {v.instant_str for p in tbs.parameters.get_descendants() if isinstance(p, Parameter) for v in p.values_list}
    edges = np.array(sorted(starts), dtype="datetime64[D]")
    uniform = np.datetime64("2016-01-01") + rng.integers(0, 15 * 366, n)
    days = np.concatenate([uniform, edges, edges - 1, edges + 1]).astype("datetime64[D]")
    return rng.permutation(days)


def test_catalogue_parameters_are_leaves(tbs):
    paths = {path for p in PROVISIONS for path in p.parameters}
    assert paths and paths <= set(leaves(tbs))


@pytest.mark.parametrize("seed", [1, 2])
def test_at_dates_equals_reference_on_every_parameter(tbs, seed):
    dates = random_dates(tbs, seed)
    paths = [*leaves(tbs), "b.art_09.no_such_parameter", "no_such_document.rate"]
    table = reference_table(tbs.get_parameters_at_instant, dates, paths)
    for parameters in (tbs.get_parameters_at_instant, tbs.parameters):
        for path in paths:
            expected = table[path]
            np.testing.assert_array_equal(at_dates(parameters, dates, path), expected, err_msg=path)
            np.testing.assert_array_equal(in_force(parameters, dates, path), ~np.isnan(expected), err_msg=path)
    sample = dates[:40]  # the reference as it was written, path by path, on a few of the dates
    for path in ("b.art_09.rate", "a.art_07.hte_first", "reference.lpr_1y", "interpretations.a_survives_b"):
        np.testing.assert_array_equal(at_dates(tbs.get_parameters_at_instant, sample, path),
                                      reference_at_dates(tbs.get_parameters_at_instant, sample, path))


def test_at_dates_reads_null_as_closed_and_empty_input(tbs):
    days = np.array(["2023-07-12", "2023-07-13", "2028-07-12", "2028-07-13", "1970-01-01"], dtype="datetime64[D]")
    np.testing.assert_array_equal(at_dates(tbs.get_parameters_at_instant, days, "b.art_09.rate"),
                                  [np.nan, 0.05, 0.05, np.nan, np.nan])
    assert at_dates(tbs.get_parameters_at_instant, days[:0], "b.art_09.rate").shape == (0,)


@pytest.mark.parametrize("seed", [4])
def test_a_applies_where_b_silent_equals_reference(tbs, seed):
    dates = random_dates(tbs, seed)
    dates = dates[dates >= np.datetime64("2000-01-01")]  # a_survives_b is dated from 2000
    b = ~np.isnan(reference_at_dates(tbs.get_parameters_at_instant, dates, "b.art_09.rate"))
    expected = ~b | reference_survives(tbs.get_parameters_at_instant, dates)
    np.testing.assert_array_equal(a_applies_where_b_silent(tbs.get_parameters_at_instant, dates), expected)
    with pytest.raises(ParameterNotFoundError):  # as before: the interpretation does not cover 1999
        a_applies_where_b_silent(tbs.get_parameters_at_instant, np.array(["1999-12-31"], dtype="datetime64[D]"))


def test_overrides_on_a_clone_and_later_updates_are_seen(tbs):
    days = np.array(["2024-03-01", "2022-03-01"], dtype="datetime64[D]")
    base = tbs.get_parameters_at_instant
    np.testing.assert_array_equal(at_dates(base, days, "b.art_14.rate"), [0.05, np.nan])  # cached for the base tree
    clone = tbs.clone()
    clone.parameters.b.art_14.rate.update(start=periods.instant("2024-01-01"), stop=periods.instant("2024-12-31"),
                                          value=0.08)
    np.testing.assert_array_equal(at_dates(clone.get_parameters_at_instant, days, "b.art_14.rate"), [0.08, np.nan])
    np.testing.assert_array_equal(at_dates(base, days, "b.art_14.rate"), [0.05, np.nan])  # the base is untouched
    np.testing.assert_array_equal(at_dates(clone.parameters, days, "b.art_14.rate"),
                                  reference_at_dates(clone.get_parameters_at_instant, days, "b.art_14.rate"))

    other = tbs.clone()
    assert at_dates(other.get_parameters_at_instant, days, "interpretations.a_survives_b")[0] == 1
    other.parameters.interpretations.a_survives_b.update(start=periods.instant("2018-01-01"), value=0)
    assert at_dates(other.get_parameters_at_instant, days, "interpretations.a_survives_b")[0] == 0  # after a read
    assert not a_applies_where_b_silent(other.get_parameters_at_instant, days[:1])[0]
    assert a_applies_where_b_silent(base, days[:1])[0]


def test_override_through_the_service(tbs):
    from policy import services

    changed = services._system(2024, (("b.art_14.rate", "0.08"),), tuple(sorted(services._interpretation_settings().items())))
    day = np.array(["2024-05-01"], dtype="datetime64[D]")
    assert at_dates(changed.get_parameters_at_instant, day, "b.art_14.rate")[0] == 0.08
    assert at_dates(services._base_system().get_parameters_at_instant, day, "b.art_14.rate")[0] == 0.05


def _simulation(tbs, kinds):
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("event", [str(k) for k in range(len(kinds))])
    orgs = builder.declare_entity("organisation", ["o"])
    builder.join_with_persons(orgs, np.array(["o"] * len(kinds)), np.array(["event"] * len(kinds)))
    sim = builder.build(tbs)
    sim.set_input("event_kind", "2024", np.array(kinds, dtype=object))
    return sim


def test_txt_is_converted_once_and_follows_a_new_input(tbs):
    kinds = ["award", "", "tech_contract", "award", "platform_approval"]
    sim = _simulation(tbs, kinds)
    population = sim.populations["event"]
    period = periods.period("2024")
    first = txt(population, "event_kind", period)
    assert first.tolist() == kinds
    assert txt(population, "event_kind", period) is first  # cached on the simulation
    with pytest.raises(ValueError):
        first[0] = "changed"  # read-only: a formula cannot spoil the cache
    assert text_in(population, "event_kind", period, ("award", "tech_contract")).tolist() == [True, False, True, True,
                                                                                             False]
    assert text_in(population, "event_kind", period, "platform_approval").tolist() == [False] * 4 + [True]

    sim.delete_arrays("event_kind")
    sim.set_input("event_kind", "2024", np.array(["financing"] * 5, dtype=object))
    assert txt(population, "event_kind", period).tolist() == ["financing"] * 5


@pytest.mark.parametrize("seed", [6, 7])
def test_text_codes_on_random_strings(tbs, seed):
    rng = np.random.default_rng(seed)
    alphabet = np.array(list("ab_xyz0"))
    pool = ["".join(rng.choice(alphabet, rng.integers(0, 60))) for _ in range(30)] + [""]
    kinds = [pool[k] for k in rng.integers(0, len(pool), 500)]
    sim = _simulation(tbs, kinds)
    population = sim.populations["event"]
    period = periods.period("2024")
    assert txt(population, "event_kind", period).tolist() == kinds
    chosen = pool[:5]
    assert text_in(population, "event_kind", period, chosen).tolist() == [k in chosen for k in kinds]


def test_set_text_input_hands_over_codes(tbs):
    """Strings handed over as distinct values and codes: openfisca holds the same strings, and the rules read the
    codes (no decoding) with the same results as from the strings."""
    from policy_weihai.variables.common import select, set_text_input, text_codes

    kinds = ["award", "", "tech_contract", "award", "platform_approval"]
    sim = _simulation(tbs, kinds)
    other = _simulation(tbs, ["x"] * 5)
    set_text_input(other, "event_kind", "2024", ["award", "", "tech_contract", "platform_approval", "award"],
                   [0, 1, 2, 4, 3])  # a label given twice counts once
    population, period = other.populations["event"], periods.period("2024")
    assert txt(population, "event_kind", period).tolist() == kinds
    labels, codes = text_codes(population, "event_kind", period)
    assert sorted(labels.tolist()) == ["", "award", "platform_approval", "tech_contract"]
    assert labels[codes].tolist() == kinds
    assert select(population, period, "award").tolist() == [0, 3]
    assert (select(sim.populations["event"], period, "award").tolist()
            == select(population, period, "award").tolist())
    with pytest.raises(ValueError):
        set_text_input(other, "event_kind", "2024", ["award"], [0, -1, 0, 0, 0])
