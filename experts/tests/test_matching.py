"""Property tests of the assignment solver against an exact integer programme (scipy's HiGHS MILP), and a quality
test against the greedy baseline on an instance whose best assignment is known."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from experts.matching import CONSTRAINTS, Infeasible, Problem, greedy, solve, verify


def ilp(p: Problem, min_load=None, max_load=None) -> float | None:
    """Best total affinity of an assignment meeting every constraint, or None when there is none (exact)."""
    n_i, n_e = p.shape
    min_load = p.min_load if min_load is None else min_load
    max_load = p.max_load if max_load is None else max_load
    n = n_i * n_e
    lb, ub = np.zeros(n), np.ones(n)
    for i, e in zip(p.blocked_items.tolist(), p.blocked_experts.tolist(), strict=True):
        ub[i * n_e + e] = 0
    for i, e in p.pins:
        lb[i * n_e + e] = 1
    rows, lo, hi = [], [], []
    for i in range(n_i):
        r = np.zeros(n)
        r[i * n_e:(i + 1) * n_e] = 1
        rows.append(r), lo.append(p.k[i]), hi.append(p.k[i])
        for org in set(p.expert_org.tolist()) - {-1}:
            r = np.zeros(n)
            r[i * n_e + np.flatnonzero(p.expert_org == org)] = 1
            rows.append(r), lo.append(0), hi.append(1)
    for e in range(n_e):
        r = np.zeros(n)
        r[np.arange(n_i) * n_e + e] = 1
        rows.append(r), lo.append(min_load[e]), hi.append(max_load[e])
    if np.any(lb > ub):
        return None
    res = milp(-np.asarray(p.affinity, dtype=float).ravel(), integrality=np.ones(n),
               bounds=Bounds(lb, ub), constraints=LinearConstraint(np.array(rows), lo, hi))
    return -res.fun if res.status == 0 else None


@st.composite
def problems(draw):
    n_i = draw(st.integers(1, 5))
    n_e = draw(st.integers(1, 9))
    k = draw(st.integers(1, 3))
    aff = np.array(draw(st.lists(st.floats(0, 1, allow_nan=False, width=32), min_size=n_i * n_e, max_size=n_i * n_e)),
                   dtype=np.float32).reshape(n_i, n_e)
    mins = np.array(draw(st.lists(st.integers(0, 2), min_size=n_e, max_size=n_e)))
    maxs = mins + np.array(draw(st.lists(st.integers(0, 3), min_size=n_e, max_size=n_e)))
    orgs = np.array(draw(st.lists(st.integers(-1, 3), min_size=n_e, max_size=n_e)))
    blocked = draw(st.sets(st.tuples(st.integers(0, n_i - 1), st.integers(0, n_e - 1)), max_size=n_i * n_e // 2))
    free = [(i, e) for i in range(n_i) for e in range(n_e) if (i, e) not in blocked]
    pins = draw(st.lists(st.sampled_from(free), max_size=2, unique=True)) if free else []
    b = sorted(blocked)
    return Problem(aff, np.full(n_i, k), mins, maxs, orgs, np.array([x[0] for x in b], dtype=np.int64),
                   np.array([x[1] for x in b], dtype=np.int64), pins=pins)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([None, 1, 2]))
def test_solver_respects_every_constraint_and_is_optimal(p, per_item):
    best = ilp(p)
    try:
        sol = solve(p, per_item=per_item)
    except Infeasible as exc:
        assert best is None, f"solver said {exc.constraint} but an assignment exists"
        assert exc.constraint in CONSTRAINTS and exc.message
        n_i, n_e = p.shape
        if exc.constraint in ("max_load", "min_load"):
            # the named load constraint is what fails: without load limits an assignment exists
            assert ilp(p, min_load=np.zeros(n_e, dtype=int), max_load=np.full(n_e, n_i)) is not None
        if exc.constraint == "reviewers_per_item":
            assert ilp(p, min_load=np.zeros(n_e, dtype=int), max_load=np.full(n_e, n_i)) is None
        return
    assert best is not None
    assert verify(p, sol) == []
    if per_item is None:  # the full network is exact (costs rounded to 1/1000)
        assert sol.affinity.sum() == pytest.approx(best, abs=1e-3 * len(sol.items) + 1e-6)


def _known_instance():
    """60 items × 120 experts, 3 reviewers each, at most 2 reviews per expert. Experts 0–59 ("B") are the best
    (0.9) for every item; experts 60–119 ("A") are nearly as good (0.85) for items 0–29 and useless (0.1) for items
    30–59. B's capacity (120) is what items 30–59 need (90) plus 30: the best assignment gives items 30–59 only B
    experts and items 0–29 a mix — mean affinity exactly (90·0.9 + 30·0.9 + 60·0.85)/180 = 0.8833."""
    n_i, n_e = 60, 120
    aff = np.full((n_i, n_e), 0.1, dtype=np.float32)
    aff[:, :60] = 0.9
    aff[:30, 60:] = 0.85
    return Problem(aff, np.full(n_i, 3), np.zeros(n_e, dtype=int), np.full(n_e, 2), np.arange(n_e))


def test_quality_beats_greedy_on_known_instance():
    p = _known_instance()
    sol, base = solve(p), greedy(p)
    assert verify(p, sol) == [] and verify(p, base) == []
    assert sol.mean_affinity() == pytest.approx((120 * 0.9 + 60 * 0.85) / 180, abs=1e-6)
    assert sol.mean_affinity() >= base.mean_affinity()
    late = sol.items >= 30
    assert (sol.experts[late] < 60).all()  # every late item gets its known best experts
    gain = sol.mean_affinity() - base.mean_affinity()
    print(f"mean affinity: min-cost flow {sol.mean_affinity():.4f}, greedy {base.mean_affinity():.4f}, +{gain:.4f}")
    assert gain > 0.15  # greedy spends B on the early items and leaves late ones with 0.1


def test_quality_on_random_instance_with_conflicts():
    rng = np.random.default_rng(3)
    n_i, n_e = 150, 400
    aff = rng.random((n_i, n_e)).astype(np.float32) ** 3
    blocked = rng.random((n_i, n_e)) < 0.05
    bi, be = np.nonzero(blocked)
    p = Problem(aff, np.full(n_i, 4), np.ones(n_e, dtype=int), np.full(n_e, 2), rng.integers(0, 150, n_e), bi, be)
    sol, base = solve(p), greedy(p)
    assert verify(p, sol) == []
    assert sol.mean_affinity() >= base.mean_affinity() - 1e-9


def test_industry_rule_gives_each_item_an_industry_expert():
    rng = np.random.default_rng(5)
    n_i, n_e = 20, 40
    aff = rng.random((n_i, n_e)).astype(np.float32)
    industry = np.arange(n_e) % 4 == 0
    aff[:, industry] *= 0.2  # industry experts fit worse: without the rule they would not be chosen
    p = Problem(aff, np.full(n_i, 3), np.zeros(n_e, dtype=int), np.full(n_e, 3), np.arange(n_e), industry=industry)
    sol = solve(p)
    assert verify(p, sol) == []
    for i in range(n_i):
        assert industry[sol.experts[sol.items == i]].any()
    p.industry = np.zeros(n_e, dtype=bool)
    with pytest.raises(Infeasible) as exc:
        solve(p)
    assert exc.value.constraint == "panel_mix"


def test_pins_of_one_organisation_are_refused():
    aff = np.ones((1, 3), dtype=np.float32)
    p = Problem(aff, np.array([2]), np.zeros(3, dtype=int), np.ones(3, dtype=int), np.array([7, 7, 8]), pins=[(0, 0), (0, 1)])
    with pytest.raises(Infeasible) as exc:
        solve(p)
    assert exc.value.constraint == "pin" and "同一单位" in exc.value.message
