"""The assignment of reviewers to items as a min-cost flow (OR-Tools), the greedy baseline, and the diagnosis of
rounds that cannot be solved. Pure arrays in, arrays out: no database here, so the benchmark and the property tests
call exactly what the pages call.

Network (as OpenReview's MinMax matcher): source → item (capacity k) → [item × organisation node, capacity 1, only
where an organisation has several candidate experts: at most one expert per organisation per item] → expert
(capacity 1, cost −affinity) → sink. Each expert's arc to the sink is split in two: ``min_load`` units carrying a
large bonus (a lower bound, met whenever it can be met, since the bonus outweighs any difference in affinity) and
``max_load − min_load`` units at no cost. Conflicts and exclusions have no arc at all (hard constraints); pins are
assigned before the flow and reduce the item's demand and the expert's capacity. ``SolveMaxFlowWithMinCost``
routes as many reviews as possible; a shortfall is then diagnosed and named.

To keep the network small, each item first gets its best ``per_item`` candidates and each expert their best few
items; where that pruned network leaves items short (or experts under their minimum), those items' rows (and those
experts' columns) are added in full and the flow is solved again, twice at most, then on all eligible pairs: pruning
never turns a feasible round into an infeasible one. (Pruning may, in
principle, miss the exact optimum; the tests compare the full network with an exact integer programme.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1000  # affinity (0..1) → integer cost units


class Infeasible(Exception):
    """A round that cannot be solved; ``constraint`` names the constraint that fails (see CONSTRAINTS)."""

    def __init__(self, constraint: str, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.constraint = constraint
        self.message = message
        self.details = details or []


CONSTRAINTS = {
    "reviewers_per_item": "每项评审专家数",
    "max_load": "每位专家最多评审项数（含年度上限）",
    "min_load": "每位专家最少评审项数",
    "pin": "指定专家",
    "panel_mix": "专家构成（每项至少一位企业专家）",
}


@dataclass
class Problem:
    """``affinity``: items × experts (dense, 0..1). ``blocked``: (item, expert) pairs that must not be assigned
    (conflicts and exclusions). ``expert_org``: an organisation id per expert (−1: none, never grouped)."""

    affinity: np.ndarray
    k: np.ndarray  # reviewers per item
    min_load: np.ndarray
    max_load: np.ndarray
    expert_org: np.ndarray
    blocked_items: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    blocked_experts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pins: list[tuple[int, int]] = field(default_factory=list)
    industry: np.ndarray | None = None  # bool per expert; when given, each item needs at least one
    item_names: list[str] | None = None
    expert_names: list[str] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.affinity.shape

    def item_name(self, i: int) -> str:
        return self.item_names[i] if self.item_names else f"第{i + 1}项"

    def expert_name(self, e: int) -> str:
        return self.expert_names[e] if self.expert_names else f"专家{e + 1}"


@dataclass
class Solution:
    items: np.ndarray
    experts: np.ndarray
    affinity: np.ndarray
    pinned: np.ndarray
    pruned: bool = True

    def mean_affinity(self) -> float:
        return float(self.affinity.mean()) if len(self.affinity) else 0.0


def eligible_scores(problem: Problem) -> np.ndarray:
    """The affinity matrix with blocked pairs at −inf (float32 copy)."""
    scores = np.array(problem.affinity, dtype=np.float32, copy=True)
    if len(problem.blocked_items):
        scores[problem.blocked_items, problem.blocked_experts] = -np.inf
    return scores


def _apply_pins(problem: Problem, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_items, _ = problem.shape
    demand = problem.k.astype(np.int64).copy()
    cap_min = problem.min_load.astype(np.int64).copy()
    cap_max = problem.max_load.astype(np.int64).copy()
    blocked = ~np.isfinite(scores)
    pinned_orgs: set[tuple[int, int]] = set()
    for i, e in problem.pins:
        org = int(problem.expert_org[e])
        if org >= 0 and (i, org) in pinned_orgs:
            raise Infeasible("pin", f"项目《{problem.item_name(i)}》指定了同一单位的两位专家（含{problem.expert_name(e)}），每个单位至多 1 位。")
        pinned_orgs.add((i, org))
        if blocked[i, e]:
            raise Infeasible("pin", f"指定的专家{problem.expert_name(e)}与项目《{problem.item_name(i)}》存在回避关系，不能指定。")
        demand[i] -= 1
        cap_min[e] -= 1
        cap_max[e] -= 1
        scores[i, e] = -np.inf
        org = problem.expert_org[e]
        if org >= 0:  # nobody else of the same organisation on this item
            scores[i, problem.expert_org == org] = -np.inf
    over = [problem.expert_name(e) for e in np.flatnonzero(cap_max < 0)]
    if over:
        raise Infeasible("pin", "指定的评审项数超过了专家最多评审项数：" + "、".join(over[:10]), over)
    too_many = [problem.item_name(i) for i in np.flatnonzero(demand < 0)]
    if too_many:
        raise Infeasible("pin", "指定的专家多于每项评审专家数：" + "、".join(too_many[:10]), too_many)
    return demand, np.maximum(cap_min, 0), cap_max


def diagnose(problem: Problem, scores: np.ndarray, demand: np.ndarray, cap_min: np.ndarray, cap_max: np.ndarray) -> None:
    """Checks that need no solve: raise Infeasible naming the first constraint that cannot be met."""
    total = int(demand.sum())
    short = []
    usable = np.isfinite(scores)  # eligibility only: capacity shortages are named "max_load"
    for i in np.flatnonzero(demand > 0):
        cols = np.flatnonzero(usable[i])
        orgs = problem.expert_org[cols]
        distinct = len(np.unique(orgs[orgs >= 0])) + int((orgs < 0).sum())
        if distinct < demand[i]:
            short.append(f"《{problem.item_name(i)}》可参评专家 {len(cols)} 位（来自 {distinct} 个单位），需要 {int(demand[i])} 位")
    if short:
        raise Infeasible("reviewers_per_item", "可参评专家不足（已排除回避、暂停或退出、不可参评时段和被排除的专家；同一单位至多 1 位）："
                         + "；".join(short[:10]) + ("等" if len(short) > 10 else ""), short)
    if int(cap_max.sum()) < total:
        raise Infeasible("max_load", f"所需评审总量 {total} 项次，超过全部可参评专家的评审量上限之和 {int(cap_max.sum())}："
                         "请提高每位专家最多评审项数，或增加入库专家。")
    if int(cap_min.sum()) > total:
        raise Infeasible("min_load", f"每位专家最少评审项数之和 {int(cap_min.sum())} 超过所需评审总量 {total}：请降低最少评审项数。")


def _candidates(scores: np.ndarray, demand: np.ndarray, cap_min: np.ndarray, per_item: int | None) -> tuple[np.ndarray, np.ndarray]:
    n_items, n_experts = scores.shape
    finite = np.isfinite(scores)
    if per_item is None or per_item >= n_experts:
        return np.nonzero(finite)
    top = np.argpartition(-np.where(finite, scores, -1e9), per_item - 1, axis=1)[:, :per_item]
    rows = np.repeat(np.arange(n_items), per_item)
    cols = top.ravel()
    keep = finite[rows, cols]
    rows, cols = rows[keep], cols[keep]
    # Every expert who may review also keeps their best items (more for those with a minimum load), so that a
    # tight round (capacity close to demand) is still solvable inside the pruned network.
    m = min(n_items, max(4, 2 * int(cap_min.max(initial=0)), int(demand.max(initial=1))))
    sub = np.where(finite, scores, -1e9)
    best = np.argpartition(-sub, m - 1, axis=0)[:m, :]
    r2 = best.ravel()
    c2 = np.tile(np.arange(n_experts), m)
    ok = finite[r2, c2]
    rows, cols = np.concatenate([rows, r2[ok]]), np.concatenate([cols, c2[ok]])
    pairs = np.unique(rows.astype(np.int64) * n_experts + cols)
    return pairs // n_experts, pairs % n_experts


def _flow(problem: Problem, scores: np.ndarray, demand: np.ndarray, cap_min: np.ndarray, cap_max: np.ndarray,
          rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n_items, n_experts = scores.shape
    total = int(demand.sum())
    big = SCALE * (total + 1) * 2
    src, sink = 0, 1
    item_node = 2 + np.arange(n_items)
    expert_node = 2 + n_items + np.arange(n_experts)
    next_node = 2 + n_items + n_experts
    tails, heads, caps, costs = [], [], [], []

    def add(t, h, c, w):
        tails.append(np.asarray(t, dtype=np.int64).ravel())
        heads.append(np.asarray(h, dtype=np.int64).ravel())
        caps.append(np.broadcast_to(np.asarray(c, dtype=np.int64), np.shape(np.asarray(t).ravel())).copy())
        costs.append(np.broadcast_to(np.asarray(w, dtype=np.int64), np.shape(np.asarray(t).ravel())).copy())

    edge_cost = -np.rint(scores[rows, cols] * SCALE).astype(np.int64)
    head = item_node[rows]
    ind_node = None
    if problem.industry is not None:
        # Industry experts hang below an "industry" node of the item whose first unit carries the bonus:
        # at least one industry expert per item whenever possible.
        ind_node = next_node + np.arange(n_items)
        next_node += n_items
        add(item_node, ind_node, 1, -big)
        add(item_node, ind_node, np.maximum(problem.k - 1, 0), 0)
        head = np.where(problem.industry[cols], ind_node[rows], head)
    # At most one expert per organisation per item: one node per (item head, organisation) with ≥ 2 candidates.
    orgs = problem.expert_org[cols]
    grouped = orgs >= 0
    key = np.where(grouped, head.astype(np.int64) * (int(orgs.max(initial=0)) + 2) + orgs, -1 - np.arange(len(rows)))
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    multi = counts[inverse] > 1
    direct = ~multi
    add(head[direct], expert_node[cols[direct]], 1, edge_cost[direct])
    group_node = None
    if multi.any():
        gid = np.unique(inverse[multi], return_inverse=True)[1]
        group_node = next_node + gid
        next_node += int(gid.max()) + 1
        first = np.unique(gid, return_index=True)[1]
        add(head[multi][first], group_node[first], 1, 0)
        add(group_node, expert_node[cols[multi]], 1, edge_cost[multi])
    add(np.full(n_items, src), item_node, demand, 0)
    has_min = cap_min > 0
    add(expert_node[has_min], np.full(int(has_min.sum()), sink), cap_min[has_min], -big)
    rest = cap_max - cap_min
    add(expert_node[rest > 0], np.full(int((rest > 0).sum()), sink), rest[rest > 0], 0)
    t, h, c, w = (np.concatenate(x) for x in (tails, heads, caps, costs))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(t, h, c, w)
    smcf.set_nodes_supplies(np.array([src, sink]), np.array([total, -total]))
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise Infeasible("reviewers_per_item", "求解器未能求解，请检查参数。")
    flows = smcf.flows(np.arange(len(t)))
    used = (flows > 0) & (h >= expert_node[0]) & (h < expert_node[0] + n_experts) & (t != src)
    e_idx = h[used] - expert_node[0]
    # map each used arc back to its item: the arc's tail is an item node, an industry node or a group node
    tail = t[used]
    item_of = np.empty(next_node, dtype=np.int64)
    item_of[item_node] = np.arange(n_items)
    if ind_node is not None:
        item_of[ind_node] = np.arange(n_items)
    if group_node is not None:
        item_of[group_node] = rows[multi]
    return item_of[tail], e_idx


def _check(problem: Problem, demand: np.ndarray, cap_min: np.ndarray, items: np.ndarray, experts: np.ndarray) -> list[Infeasible]:
    n_items, n_experts = problem.shape
    problems = []
    got = np.bincount(items, minlength=n_items)
    short = np.flatnonzero(got < demand)
    if len(short):
        names = [f"《{problem.item_name(i)}》（{int(got[i])}/{int(demand[i])} 位）" for i in short]
        problems.append(Infeasible("max_load", "以下项目无法配齐专家：可参评专家的评审量已达上限（每位专家最多评审项数或年度上限）："
                                   + "；".join(names[:10]) + ("等" if len(names) > 10 else ""), names))
    load = np.bincount(experts, minlength=n_experts)
    under = np.flatnonzero(load < cap_min)
    if len(under):
        names = [f"{problem.expert_name(e)}（{int(load[e])}/{int(cap_min[e])} 项）" for e in under]
        problems.append(Infeasible("min_load", "以下专家达不到最少评审项数（可评项目不足或被回避）：" + "；".join(names[:10])
                                   + ("等" if len(names) > 10 else ""), names))
    if problem.industry is not None:
        has = np.zeros(n_items, dtype=bool)
        has[items[problem.industry[experts]]] = True
        for i, e in problem.pins:
            has[i] |= bool(problem.industry[e])
        missing = [problem.item_name(i) for i in np.flatnonzero(~has & (problem.k > 0))]
        if missing:
            problems.append(Infeasible("panel_mix", "以下项目找不到可参评的企业专家：" + "、".join(missing[:10]), missing))
    return problems


def solve(problem: Problem, per_item: int | None = 50) -> Solution:
    """Assign reviewers. Raises Infeasible with the failing constraint named."""
    scores = eligible_scores(problem)
    demand, cap_min, cap_max = _apply_pins(problem, scores)
    diagnose(problem, scores, demand, cap_min, cap_max)
    # A pruned network first; where it leaves items short (or experts under their minimum), those items' rows (and
    # those experts' columns) are added in full and the flow is solved again; the last try is the full network, so
    # pruning never makes a feasible round infeasible.
    n_items, n_experts = scores.shape
    finite = np.isfinite(scores)
    pruned = per_item is not None and per_item < n_experts
    rows, cols = _candidates(scores, demand, cap_min, per_item if pruned else None)
    for attempt in range(4):
        items, experts = _flow(problem, scores, demand, cap_min, cap_max, rows, cols)
        failures = _check(problem, demand, cap_min, items, experts)
        if not failures or not pruned:
            break
        if attempt == 2:
            pruned = False
            rows, cols = np.nonzero(finite)
            continue
        short = np.flatnonzero(np.bincount(items, minlength=n_items) < demand)
        under = np.flatnonzero(np.bincount(experts, minlength=n_experts) < cap_min)
        extra_r, extra_c = np.nonzero(finite[short])
        extra_r = short[extra_r]
        u_r, u_c = np.nonzero(finite[:, under])
        pairs = np.unique(np.concatenate([rows.astype(np.int64) * n_experts + cols, extra_r * n_experts + extra_c,
                                          u_r.astype(np.int64) * n_experts + under[u_c]]))
        rows, cols = pairs // n_experts, pairs % n_experts
    if failures:
        raise failures[0]
    pin_i = np.array([p[0] for p in problem.pins], dtype=np.int64)
    pin_e = np.array([p[1] for p in problem.pins], dtype=np.int64)
    all_i = np.concatenate([pin_i, items])
    all_e = np.concatenate([pin_e, experts])
    aff = np.asarray(problem.affinity, dtype=np.float64)[all_i, all_e]
    pinned = np.concatenate([np.ones(len(pin_i), dtype=bool), np.zeros(len(items), dtype=bool)])
    order = np.lexsort((-aff, all_i))
    return Solution(all_i[order], all_e[order], aff[order], pinned[order], pruned)


def greedy(problem: Problem) -> Solution:
    """The baseline: items in order, each takes its best remaining experts (same hard constraints)."""
    scores = eligible_scores(problem)
    n_items, n_experts = scores.shape
    load = np.zeros(n_experts, dtype=np.int64)
    cap = problem.max_load.astype(np.int64)
    out_i, out_e = [], []
    for i in range(n_items):
        row = np.where(load < cap, scores[i], -np.inf)
        order = np.argsort(-row, kind="stable")
        used_orgs: set[int] = set()
        taken = 0
        for e in order:
            if taken >= problem.k[i] or not np.isfinite(row[e]):
                break
            org = int(problem.expert_org[e])
            if org >= 0 and org in used_orgs:
                continue
            used_orgs.add(org)
            load[e] += 1
            out_i.append(i)
            out_e.append(int(e))
            taken += 1
    items, experts = np.array(out_i, dtype=np.int64), np.array(out_e, dtype=np.int64)
    aff = np.asarray(problem.affinity, dtype=np.float64)[items, experts] if len(items) else np.zeros(0)
    return Solution(items, experts, aff, np.zeros(len(items), dtype=bool), False)


def verify(problem: Problem, solution: Solution) -> list[str]:
    """Every constraint the solution breaks (empty when it respects all): used by the tests and the benchmark."""
    n_items, n_experts = problem.shape
    broken = []
    blocked = set(zip(problem.blocked_items.tolist(), problem.blocked_experts.tolist(), strict=False))
    pairs = list(zip(solution.items.tolist(), solution.experts.tolist(), strict=False))
    if len(set(pairs)) != len(pairs):
        broken.append("duplicate pair")
    if any(p in blocked for p in pairs):
        broken.append("conflict assigned")
    counts = np.bincount(solution.items, minlength=n_items)
    if (counts != problem.k).any():
        broken.append("reviewers per item")
    load = np.bincount(solution.experts, minlength=n_experts)
    if (load > problem.max_load).any():
        broken.append("max load")
    if (load < problem.min_load).any():
        broken.append("min load")
    seen: set[tuple[int, int]] = set()
    for i, e in pairs:
        org = int(problem.expert_org[e])
        if org >= 0:
            if (i, org) in seen:
                broken.append("two experts of one organisation")
                break
            seen.add((i, org))
    if not set(problem.pins) <= set(pairs):
        broken.append("pin missing")
    return broken
