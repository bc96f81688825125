"""Technology market matching speed: top-10 achievements for one need over N achievements (p50/p95), and all-pairs
batch matching of M needs against the same N achievements. Texts come from the demo generator (techmarket.texts);
no database is needed.

    .venv/bin/python benchmarks/techmarket_bench.py --achievements 100000 --needs 10000 --single 300
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from techmarket import texts  # noqa: E402
from techmarket.matching import TextIndex, tokenize  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--achievements", type=int, default=100_000)
    ap.add_argument("--needs", type=int, default=10_000)
    ap.add_argument("--single", type=int, default=300, help="single-need queries timed")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    chains = list(texts.VOCAB)
    t0 = time.perf_counter()
    achs = [texts.achievement(rng, chains[i % len(chains)]) for i in range(a.achievements)]
    docs = [f"{x.title} {x.title} {x.body}" for x in achs]
    needs = [texts.need_from(achs[rng.randrange(len(achs))], rng) for _ in range(a.needs)]
    queries = [f"{n.title} {n.title} {n.body}" for n in needs]
    print(f"generated {len(docs):,} achievements and {len(queries):,} needs in {time.perf_counter() - t0:.1f} s")

    tokenize("预热 jieba 词典")
    t0 = time.perf_counter()
    tokens = [tokenize(d) for d in docs]
    t_tok = time.perf_counter() - t0
    t0 = time.perf_counter()
    meta = {"chain": [i % len(chains) for i in range(len(docs))], "region": [i % 12 for i in range(len(docs))]}
    index = TextIndex(range(len(docs)), None, meta, tokens=tokens)
    t_fit = time.perf_counter() - t0
    print(f"index: jieba segmentation {t_tok:.1f} s ({len(docs) / t_tok:,.0f} docs/s), BM25 fit {t_fit:.1f} s, "
          f"{len(index.terms):,} terms, {index.weights.nnz:,} non-zeros")

    times = []
    for q in queries[: a.single]:
        t0 = time.perf_counter()
        index.search(q, 10, boost={"chain": (3, 5.0, "同属产业链")})
        times.append((time.perf_counter() - t0) * 1000)
    times_f = []
    for k, q in enumerate(queries[: a.single]):
        t0 = time.perf_counter()
        index.search(q, 10, chain=k % len(chains), region=[1, 2, 3])
        times_f.append((time.perf_counter() - t0) * 1000)
    for label, ts in (("top-10, one need, with reasons", times), ("same with chain + district filters", times_f)):
        print(f"{label}: p50 {np.percentile(ts, 50):.1f} ms, p95 {np.percentile(ts, 95):.1f} ms, "
              f"max {max(ts):.1f} ms over {len(ts)} needs × {len(docs):,} achievements")

    t0 = time.perf_counter()
    ids, scores = index.search_many(queries, k=10)
    t_all = time.perf_counter() - t0
    print(f"all pairs: {len(queries):,} needs × {len(docs):,} achievements → top 10 each in {t_all:.1f} s "
          f"({len(queries) / t_all:,.0f} needs/s, query segmentation included)")


if __name__ == "__main__":
    main()
