"""Matching quality on a generated labelled set: needs written from known achievements (paraphrase and noise).

An achievement is relevant to a need when it has the same chain, object and process as the achievement the need
was written from. precision@5 = relevant among the top 5 / 5; recall@10 = relevant among the top 10 / all relevant.
"""

from __future__ import annotations

import random

import numpy as np

from techmarket import texts
from techmarket.matching import TextIndex


def labelled_set(n_achievements: int, n_needs: int, seed: int = 1):
    rng = random.Random(seed)
    chains = list(texts.VOCAB)
    achs = [texts.achievement(rng, chains[i % len(chains)]) for i in range(n_achievements)]
    keys = np.array([f"{a.chain}|{a.keys['obj']}|{a.keys['proc']}" for a in achs])
    sources = [rng.randrange(n_achievements) for _ in range(n_needs)]
    needs = [texts.need_from(achs[i], rng) for i in sources]
    return achs, keys, needs, keys[sources]


def measure(n_achievements: int = 3000, n_needs: int = 300, seed: int = 1) -> dict[str, float]:
    achs, keys, needs, wanted = labelled_set(n_achievements, n_needs, seed)
    index = TextIndex(range(len(achs)), [f"{a.title} {a.title} {a.body}" for a in achs])
    ids, _ = index.search_many([f"{n.title} {n.title} {n.body}" for n in needs], k=10)
    rel = keys[ids] == wanted[:, None]
    total = np.array([(keys == w).sum() for w in wanted])
    return {"precision_at_5": float(rel[:, :5].sum(axis=1).mean() / 5),
            "recall_at_10": float((rel.sum(axis=1) / total).mean()),
            "needs": n_needs, "achievements": n_achievements,
            "mean_relevant": float(total.mean())}
