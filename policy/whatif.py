"""What the what-if needs, without explanations: per provision and organisation, how many results apply and their
amount, computed from the simulation's arrays with the same conditions under which ``policy.services.explain`` gives a
result the status "applies" (and the same rounding: each result's amount to the fen, then summed).

``applies(facts, arrays, year, tbs)`` → ``{provision_id: (count, fen)}``, two int64 arrays over the organisations.
``tests/test_whatif_amounts.py`` checks it against the explanations on the demo city and seeded situations.
"""

from __future__ import annotations

import numpy as np

from policy.catalogue import B01_CEILING_SUBJECTS, PROVISIONS
from policy.facts import Facts
from policy_weihai.variables.common import RULES


def fen(values: np.ndarray) -> np.ndarray:
    """Amounts in yuan → whole fen, rounded as ``policy.services.yuan`` rounds (Python's round to 2 places)."""
    out = np.zeros(len(values), dtype=np.int64)
    nz = np.nonzero(values)[0]
    out[nz] = [round(round(float(v), 2) * 100) for v in values[nz]]
    return out


def _per_org(facts: Facts, mask: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One result per event in ``mask`` (amount: the event's own)."""
    owner = facts.owner[mask]
    count = np.bincount(owner, minlength=facts.n).astype(np.int64)
    cents = np.bincount(owner, weights=fen(amounts[mask]), minlength=facts.n)
    return count, np.rint(cents).astype(np.int64)


def _one(applies: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One result per organisation where ``applies`` (amount: the organisation's)."""
    return applies.astype(np.int64), np.where(applies, fen(np.where(applies, amounts, 0.0)), 0)


def _any_event(facts: Facts, mask: np.ndarray) -> np.ndarray:
    out = np.zeros(facts.n, dtype=bool)
    out[facts.owner[mask]] = True
    return out


def applies(facts: Facts, arrays: dict[str, np.ndarray], year: int, tbs: object) -> dict[str, tuple[np.ndarray,
                                                                                                np.ndarray]]:
    from policy.services import ANNUAL_COUNT_RULES, B25_EVENTS, B25_SUBJECTS, B25_WINDOW

    ev = facts.events
    n = facts.n
    is_ent = facts.kind == "enterprise"
    in_b = (ev["date"] >= np.datetime64(B25_WINDOW[0])) & (ev["date"] <= np.datetime64(B25_WINDOW[1]))
    m = len(facts.owner)
    variables = tbs.variables  # event variables carry one placeholder per organisation after the events
    arrays = {name: a[:m] if name in variables and variables[name].entity.key == "event" else a
              for name, a in arrays.items()}
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for p in PROVISIONS:
        values = arrays[p.variable].astype(float)
        if p.variable in RULES:
            rule = RULES[p.variable]
            if rule.cap:
                out[p.id] = _one(_any_event(facts, arrays[f"{p.variable}_event"] > 0), values)
            else:
                out[p.id] = _per_org(facts, values > 0, values)
        elif p.id in ANNUAL_COUNT_RULES:
            out[p.id] = _one(values > 0, values)
        elif p.id == "B.27.tech_bank_loan_interest_ceiling":
            out[p.id] = _one(_any_event(facts, arrays["b27_tech_bank_loan_amount"] > 0), values)
        elif p.id == "B.14.contract_subsidy":
            total = np.bincount(facts.owner, weights=arrays["b14_contract_subsidy_event"], minlength=n)
            amount = np.where(total > values + 1e-6, values, total)
            out[p.id] = _one(total > 0, amount)
        elif p.id.startswith("B.25."):
            per = arrays[B25_EVENTS[p.id]]
            mask = ((ev["kind"] == "financing") & (ev["subject"] == B25_SUBJECTS[p.id]) & is_ent[facts.owner] & in_b
                    & (per > 0))
            if p.id == "B.25.ip_loan_interest":
                mask &= ~np.isnan(arrays["b25_ip_loan_lpr"])
            out[p.id] = _one(_any_event(facts, mask), values)
        elif p.id == "A.16.incubatee_upgrade_reward":
            out[p.id] = _one(_any_event(facts, arrays["a16_incubatee_upgrade_event"] > 0), values)
        elif p.event_level:
            mask = values > 0
            if p.variable == "b01_platform_reward":
                ceiling = np.isin(ev["subject"], list(B01_CEILING_SUBJECTS)) | np.isin(ev["level"], ["provincial", "city"])
                mask &= ceiling == p.is_ceiling
            out[p.id] = _per_org(facts, mask, values)
        elif p.id == "B.09.rd_growth_subsidy":
            try:
                tbs.parameters(f"{year}-12-31").b.art_09.growth_threshold  # noqa: B018 - B not in force that year
            except Exception:  # noqa: BLE001
                continue
            now, before = facts.floats["rd_expense"], facts.floats["rd_expense_prev"]
            ok = (is_ent & (facts.bools["is_high_tech_enterprise"] | facts.bools["is_tech_sme"]) & ~np.isnan(now)
                  & ~np.isnan(before) & (np.nan_to_num(before) > 0) & (values > 0))
            out[p.id] = _one(ok, values)
        elif p.id == "B.17.hte_growth_reward":
            on = facts.hte_certified_on
            ok = (facts.bools["hte_certified"] & is_ent & (on >= np.datetime64(B25_WINDOW[0]))
                  & (on <= np.datetime64(B25_WINDOW[1])) & (values > 0))
            out[p.id] = _one(ok, values)
        elif p.id == "A.07.hte_reward":
            out[p.id] = _one(values > 0, values)
    return out


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
