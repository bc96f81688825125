"""What the what-if needs: per provision and organisation, how many results apply and their amount (each result's
amount to the fen, then summed), with the facts read once and the current and changed rules run on the same arrays.

``applies(facts, arrays, year, tbs)`` → ``{provision_id: (count, fen)}``, two int64 arrays over the organisations,
from the arrays alone: each declared explanation's vectorised ``tally`` (``policy.explain``), no sentence built.
``tests/test_whatif_amounts.py`` checks it against the explanations on the demo city and seeded situations.
"""

from __future__ import annotations

import numpy as np

from policy.facts import Facts


def applies(facts: Facts, arrays: dict[str, np.ndarray], year: int, tbs: object) -> dict[str, tuple[np.ndarray,
                                                                                                np.ndarray]]:
    """Per provision with a result that applies, two int64 arrays over the organisations: how many results apply and
    their amount in fen — what the jurisdiction's explanations would say, computed with numpy from the arrays (no
    provision named here)."""
    from policy.explain import tally
    from policy.jurisdiction import current

    return tally(facts.rows(), arrays, year, tbs, current())


def compare(org_ids: list[int], year: int, overrides: dict | None) -> tuple[np.ndarray, dict, dict, set[int]]:
    """Read the facts once, run the current and the changed rules on the same arrays: (organisation ids, base,
    changed, ids whose data the engine refuses — the caller takes the per-organisation path for the batch)."""
    from policy import facts as columnar
    from policy.services import _check_overrides, _interpretation_settings, _system, compute, parse_period

    year = parse_period(year)
    changes = _check_overrides(overrides)
    chosen = tuple(sorted(_interpretation_settings(None).items()))
    f, bad = columnar.load(org_ids, year)
    if bad or not f.n:
        return f.ids, {}, {}, bad
    out = []
    for tbs in (_system(year, (), chosen), _system(year, changes, chosen)):
        out.append(applies(f, compute(f, year, tbs), year, tbs))
    return f.ids, out[0], out[1], bad
