"""Benchmark of the expert assignment (issue 14). Prints figures; not a test.

    .venv/bin/python benchmarks/experts_bench.py --items 2000 --experts 10000 --k 5

A synthetic programme: N applications (title, abstract, keywords, a discipline, an industry chain, an applicant and
0–2 participant organisations, a team of 3 people) and M experts (organisations, former employers within the
conflict window, declared relations, platform co-memberships, keywords, disciplines, chains). Measured with the very
functions the round pages call (experts.conflicts.compute, experts.affinity.compute, experts.matching.solve):

1. conflicts: every (application, expert) conflict with its reason (sparse products);
2. affinity: jieba segmentation + TF-IDF + field codes for every pair;
3. solve: min-cost flow with k reviewers per application, loads between --min-load and --max-load, conflicts,
   at most one expert per organisation per application;
4. greedy baseline on the same problem; mean affinity of both; every constraint checked on the solution.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

import django  # noqa: E402

django.setup()

from experts import affinity, conflicts  # noqa: E402
from experts.demo import CHAIN_KEYWORDS  # noqa: E402
from experts.disciplines import CHAIN_DISCIPLINES  # noqa: E402
from experts.matching import Problem, greedy, solve, verify  # noqa: E402

CHAINS = list(CHAIN_KEYWORDS)


def generate(n_items: int, n_experts: int, seed: int):
    rng = np.random.default_rng(seed)
    n_orgs = max(50, n_experts // 6)
    n_people = n_experts + 3 * n_items
    n_platforms = max(10, n_orgs // 20)
    expert_org = rng.integers(0, n_orgs, n_experts)
    expert_chain = rng.integers(0, len(CHAINS), n_experts)
    second = np.where(rng.random(n_experts) < 0.3, rng.integers(0, len(CHAINS), n_experts), -1)
    e_texts, e_disc, e_chains = [], [], []
    for e in range(n_experts):
        c = CHAINS[expert_chain[e]]
        kws = list(rng.choice(CHAIN_KEYWORDS[c], 4, replace=False))
        chains = [c]
        if second[e] >= 0:
            c2 = CHAINS[second[e]]
            kws += list(rng.choice(CHAIN_KEYWORDS[c2], 2, replace=False))
            chains.append(c2)
        e_texts.append(" ".join(kws + kws))
        e_disc.append(sorted({d for ch in chains for d in CHAIN_DISCIPLINES[ch][:1 + (e % 2)]}))
        e_chains.append(chains)
    item_chain = rng.integers(0, len(CHAINS), n_items)
    i_texts, i_disc, i_chains = [], [], []
    for i in range(n_items):
        c = CHAINS[item_chain[i]]
        kws = list(rng.choice(CHAIN_KEYWORDS[c], 3, replace=False))
        i_texts.append(f"{kws[0]}与{kws[1]}关键技术研发及产业化 {'、'.join(kws)} 项目面向产业链，围绕{kws[0]}、{kws[1]}和{kws[2]}开展攻关，"
                       f"突破{kws[1]}的技术瓶颈，形成具有自主知识产权的{kws[2]}技术。")
        i_disc.append(CHAIN_DISCIPLINES[c][:1])
        i_chains.append([c])
    applicant = rng.integers(0, n_orgs, n_items)
    parties = [(i, int(applicant[i])) for i in range(n_items)]
    for i in range(n_items):
        for o in rng.integers(0, n_orgs, rng.integers(0, 3)):
            parties.append((i, int(o)))
    data = conflicts.ConflictInput(
        n_items=n_items, n_experts=n_experts, n_orgs=n_orgs, n_people=n_people, n_platforms=n_platforms,
        item_parties=parties,
        expert_current=[(e, int(expert_org[e])) for e in range(n_experts)],
        expert_recent=[(int(e), int(o)) for e, o in zip(np.flatnonzero(rng.random(n_experts) < 0.25),
                                                        rng.integers(0, n_orgs, n_experts), strict=False)],
        expert_declared=[(int(e), int(o)) for e, o in zip(np.flatnonzero(rng.random(n_experts) < 0.1),
                                                          rng.integers(0, n_orgs, n_experts), strict=False)],
        expert_person=[(e, e) for e in range(n_experts)],
        item_team=[(i, n_experts + 3 * i + j) for i in range(n_items) for j in range(3)]
        + [(int(i), int(e)) for i, e in zip(rng.integers(0, n_items, n_items // 10), rng.integers(0, n_experts, n_items // 10), strict=True)],
        person_coapplied=[(int(p), int(o)) for p, o in zip(rng.integers(0, n_experts, n_experts // 5),
                                                           rng.integers(0, n_orgs, n_experts // 5), strict=True)],
        platform_members=[(int(o), int(p)) for o, p in zip(rng.integers(0, n_orgs, n_platforms * 5),
                                                           np.repeat(np.arange(n_platforms), 5), strict=True)],
    )
    return data, affinity.Side(i_texts, i_disc, i_chains), affinity.Side(e_texts, e_disc, e_chains), expert_org


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--experts", type=int, default=10000)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--min-load", type=int, default=0)
    ap.add_argument("--max-load", type=int, default=3)
    ap.add_argument("--per-item", type=int, default=50, help="candidates per application in the pruned network")
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    t = time.perf_counter()
    data, items, experts, expert_org = generate(a.items, a.experts, a.seed)
    print(f"instance: {a.items:,} applications × {a.k} reviewers from {a.experts:,} experts "
          f"({data.n_orgs:,} organisations, {data.n_platforms} platforms), loads {a.min_load}–{a.max_load}; "
          f"generated in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    ci, ce, cr = conflicts.compute(data)
    t_conf = time.perf_counter() - t
    by_reason = np.bincount(cr, minlength=len(conflicts.REASONS))
    print(f"conflicts: {len(ci):,} pairs in {t_conf:.2f} s — " + ", ".join(
        f"{name} {n:,}" for name, n in zip(conflicts.REASONS, by_reason.tolist(), strict=True)))

    t = time.perf_counter()
    affinity.add_terms([w for text in experts.texts for w in text.split()])
    aff = affinity.compute(items, experts)
    t_aff = time.perf_counter() - t
    print(f"affinity (jieba + TF-IDF + field codes, {a.items * a.experts:,} pairs): {t_aff:.2f} s")

    one = affinity.Side([items.texts[0]], [items.disciplines[0]], [items.chains[0]])
    t = time.perf_counter()
    affinity.compute(one, experts)
    print(f"one enterprise need against {a.experts:,} experts (experts_for_text's affinity, profiles already "
          f"segmented in this process): {time.perf_counter() - t:.2f} s")

    p = Problem(aff.total, np.full(a.items, a.k), np.full(a.experts, a.min_load), np.full(a.experts, a.max_load),
                expert_org.astype(np.int64), ci, ce)
    t = time.perf_counter()
    sol = solve(p, per_item=a.per_item)
    t_solve = time.perf_counter() - t
    broken = verify(p, sol)
    print(f"solve (min-cost flow, OR-Tools): {t_solve:.2f} s, {len(sol.items):,} assignments, "
          f"{'pruned network' if sol.pruned else 'full network'}; constraints broken: {broken or 'none'}")
    t = time.perf_counter()
    base = greedy(p)
    t_greedy = time.perf_counter() - t
    print(f"greedy: {t_greedy:.2f} s, {len(base.items):,} assignments; constraints broken: {verify(p, base) or 'none'}")
    gain = sol.mean_affinity() - base.mean_affinity()
    print(f"mean affinity: min-cost flow {sol.mean_affinity():.4f}, greedy {base.mean_affinity():.4f} "
          f"({gain:+.4f}, {100 * gain / max(base.mean_affinity(), 1e-9):+.1f}%)")
    loads = np.bincount(sol.experts, minlength=a.experts)
    print("load histogram (reviews: experts): " + ", ".join(f"{n}: {c:,}" for n, c in enumerate(np.bincount(loads))))
    print(f"conflicts + solve: {t_conf + t_solve:.2f} s (goal < 30 s); with affinity: {t_conf + t_aff + t_solve:.2f} s")


if __name__ == "__main__":
    main()
