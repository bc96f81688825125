"""Conflicts of interest computed as sparse matrix products (no per-pair loop), each with its reason.

Organisations, people and platforms are integer indices here; services.py maps them from the database and the
benchmark generates them. A pair (item, expert) conflicts when the expert's
* current organisation is a party of the item (applicant or participant) — 同一单位;
* employer within the last N years is a party — 近年曾任职;
* organisation shares a platform or consortium (registry PlatformMembership) with a party — 同一平台/联合体成员;
* person is on the item's team, or co-applied with a party within N years — 共同申报/团队成员;
* declared relation (former employer, relative's employer, partner) is a party — 申报的关联关系.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

#: reason codes in priority order (the first that applies is the one shown)
REASONS = ["same_org", "former_org", "co_applicant", "declared", "platform"]


def incidence(pairs: list[tuple[int, int]] | np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    m = sparse.csr_matrix((np.ones(len(arr), dtype=np.float32), (arr[:, 0], arr[:, 1])), shape=shape)
    m.data[:] = 1
    return m


@dataclass
class ConflictInput:
    n_items: int
    n_experts: int
    n_orgs: int
    n_people: int = 0
    n_platforms: int = 0
    item_parties: list[tuple[int, int]] = field(default_factory=list)  # (item, org)
    expert_current: list[tuple[int, int]] = field(default_factory=list)  # (expert, org)
    expert_recent: list[tuple[int, int]] = field(default_factory=list)  # (expert, org) employer within N years
    expert_declared: list[tuple[int, int]] = field(default_factory=list)  # (expert, org)
    expert_person: list[tuple[int, int]] = field(default_factory=list)  # (expert, person)
    item_team: list[tuple[int, int]] = field(default_factory=list)  # (item, person)
    person_coapplied: list[tuple[int, int]] = field(default_factory=list)  # (person, org) within N years
    platform_members: list[tuple[int, int]] = field(default_factory=list)  # (org, platform)


def compute(data: ConflictInput) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(item indices, expert indices, reason indices into REASONS) of every conflicting pair."""
    P = incidence(data.item_parties, (data.n_items, data.n_orgs))
    E_cur = incidence(data.expert_current, (data.n_experts, data.n_orgs))
    matrices = {
        "same_org": P @ E_cur.T,
        "former_org": P @ incidence(data.expert_recent, (data.n_experts, data.n_orgs)).T,
        "declared": P @ incidence(data.expert_declared, (data.n_experts, data.n_orgs)).T,
    }
    n_people = max(data.n_people, 1)
    EP = incidence(data.expert_person, (data.n_experts, n_people))
    team = incidence(data.item_team, (data.n_items, n_people)) @ EP.T
    coapp = P @ (EP @ incidence(data.person_coapplied, (n_people, data.n_orgs))).T
    matrices["co_applicant"] = team + coapp
    if data.platform_members:
        M = incidence(data.platform_members, (data.n_orgs, max(data.n_platforms, 1)))
        matrices["platform"] = (P @ M) @ (E_cur @ M).T
    n_exp = data.n_experts
    keys, reasons = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for r, name in enumerate(REASONS):
        m = matrices.get(name)
        if m is None:
            continue
        m = m.tocoo()
        k = m.row.astype(np.int64)[m.data > 0] * n_exp + m.col[m.data > 0]
        keys.append(k)
        reasons.append(np.full(len(k), r, dtype=np.int64))
    all_keys, all_reasons = np.concatenate(keys), np.concatenate(reasons)
    uniq, first = np.unique(all_keys, return_index=True)  # first occurrence = highest-priority reason
    return uniq // n_exp, uniq % n_exp, all_reasons[first]
