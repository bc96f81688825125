"""The vectorised conflict computation agrees with a pair-by-pair reading of the rules (property test)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from experts.conflicts import REASONS, ConflictInput, compute


def brute_force(d: ConflictInput) -> dict[tuple[int, int], str]:
    parties = {i: {o for ii, o in d.item_parties if ii == i} for i in range(d.n_items)}
    cur = {e: {o for ee, o in d.expert_current if ee == e} for e in range(d.n_experts)}
    recent = {e: {o for ee, o in d.expert_recent if ee == e} for e in range(d.n_experts)}
    declared = {e: {o for ee, o in d.expert_declared if ee == e} for e in range(d.n_experts)}
    person = {e: {p for ee, p in d.expert_person if ee == e} for e in range(d.n_experts)}
    team = {i: {p for ii, p in d.item_team if ii == i} for i in range(d.n_items)}
    coapp = {p: {o for pp, o in d.person_coapplied if pp == p} for p in range(max(d.n_people, 1))}
    plat = {o: {p for oo, p in d.platform_members if oo == o} for o in range(d.n_orgs)}
    out = {}
    for i in range(d.n_items):
        for e in range(d.n_experts):
            reasons = []
            if parties[i] & cur[e]:
                reasons.append("same_org")
            if parties[i] & recent[e]:
                reasons.append("former_org")
            if team[i] & person[e] or any(parties[i] & coapp[p] for p in person[e]):
                reasons.append("co_applicant")
            if parties[i] & declared[e]:
                reasons.append("declared")
            if {p for o in parties[i] for p in plat[o]} & {p for o in cur[e] for p in plat[o]}:
                reasons.append("platform")
            if reasons:
                out[(i, e)] = min(reasons, key=REASONS.index)
    return out


@st.composite
def inputs(draw):
    n_i, n_e, n_o, n_p, n_pl = (draw(st.integers(1, 5)), draw(st.integers(1, 6)), draw(st.integers(1, 5)),
                                draw(st.integers(1, 8)), draw(st.integers(1, 3)))

    def pairs(a, b, most=8):
        return sorted(draw(st.sets(st.tuples(st.integers(0, a - 1), st.integers(0, b - 1)), max_size=most)))

    return ConflictInput(
        n_items=n_i, n_experts=n_e, n_orgs=n_o, n_people=n_p, n_platforms=n_pl,
        item_parties=pairs(n_i, n_o), expert_current=pairs(n_e, n_o, 6), expert_recent=pairs(n_e, n_o, 4),
        expert_declared=pairs(n_e, n_o, 3), expert_person=[(e, e % n_p) for e in range(n_e)],
        item_team=pairs(n_i, n_p, 4), person_coapplied=pairs(n_p, n_o, 4), platform_members=pairs(n_o, n_pl, 5),
    )


@settings(max_examples=300, deadline=None)
@given(inputs())
def test_vectorised_conflicts_match_the_rules(d):
    ci, ce, cr = compute(d)
    got = {(int(i), int(e)): REASONS[int(r)] for i, e, r in zip(ci, ce, cr, strict=True)}
    assert got == brute_force(d)
