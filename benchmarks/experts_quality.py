"""Quality of expert matching on the hand-written labelled set (issue 26 item 12). Prints figures; not a test.

    .venv/bin/python benchmarks/experts_quality.py

precision@5 of (1) the matcher that serves the need page and the review rounds (experts.affinity, as
``experts_for_text`` calls it), (2) the need page's former matcher (BM25 over the registry person's field, title,
chain and employer name, with a 5-point chain bonus), (3) a character-bigram TF-IDF cosine baseline over the
experts' own fields (keywords, field, achievements). Then the cases of the issue: long compounds, the tyre
company's lawyer, the reasons shown.

Measured on this set (precision@5; the labels allow 0.81):

=================================================  =========================  =====
matcher                                            before (064e2b6)           after
=================================================  =========================  =====
experts.affinity, need's chain given               0.800 (*)                  0.620
experts.affinity, text only                        0.300                      0.567
need page's former matcher (employer names)        0.300                      (gone: the need page uses the above)
character-bigram TF-IDF cosine baseline            0.560                      0.560
=================================================  =========================  =====

(*) before, a shared chain and discipline (0.40 of 1) outweighed any text (0.60 × cosine): every expert of the
need's chain ranked first whatever their field — in this set each topic has its own chain, so that looked good,
but the tyre company's lawyer was in the top 5 of the tyre need. Now the field bonus never exceeds the text part.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

import django  # noqa: E402

django.setup()

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from benchmarks.expert_match_set import labelled_set  # noqa: E402
from experts import affinity  # noqa: E402
from experts.disciplines import CHAIN_DISCIPLINES  # noqa: E402
from policy.jurisdiction import current  # noqa: E402
from techmarket.matching import TextIndex  # noqa: E402

CHAIN_NAMES = {code: name for code, name, _ in current().reference.industry_chains}


def own_text(e: dict) -> str:
    return " ".join([e["keywords"], e["field"], *e["achievements"]])


def expert_side(experts: list[dict]) -> affinity.Side:
    keywords = [[k for k in e["keywords"].split("、") if k] for e in experts]
    if hasattr(affinity, "expert_document"):
        texts = [affinity.expert_document(k, e["field"], "", e["achievements"]) for k, e in zip(keywords, experts, strict=True)]
    else:  # the matcher before issue 26: keywords twice, field, title
        texts = [f"{' '.join(k)} {' '.join(k)} {e['field']} " for k, e in zip(keywords, experts, strict=True)]
    return affinity.Side(texts, [CHAIN_DISCIPLINES[e["chain"]] for e in experts], [[e["chain"]] for e in experts])


def rank_affinity(experts: list[dict], queries: list[tuple[str, str | None]]) -> np.ndarray:
    affinity.add_terms([k for e in experts for k in e["keywords"].split("、") if k])
    items = affinity.Side([q for q, _ in queries], [[] for _ in queries], [[c] if c else [] for _, c in queries])
    a = affinity.compute(items, expert_side(experts), CHAIN_NAMES)
    total = np.where(a.total > 0, a.total, -1)
    return np.argsort(-total, axis=1, kind="stable")[:, :10], a


def rank_need_page_before(experts: list[dict], queries: list[tuple[str, str | None]]) -> np.ndarray:
    """The need page's own matcher before issue 26 (techmarket.experts.RegistryExpertMatcher)."""
    chains = sorted(CHAIN_NAMES)
    texts = [f"{e['field']} {e['field']} 教授 {CHAIN_NAMES[e['chain']]} {e['employer']}" for e in experts]
    index = TextIndex(list(range(len(experts))), texts, {"chain": [chains.index(e["chain"]) + 1 for e in experts]})
    out = []
    for q, c in queries:
        hits = index.search(q, 10, boost={"chain": (chains.index(c) + 1, 5.0, "同属产业链")} if c else {})
        out.append([h.id for h in hits] + [-1] * (10 - len(hits)))
    return np.array(out)


def rank_bigram_baseline(experts: list[dict], queries: list[tuple[str, str | None]]) -> np.ndarray:
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2))
    X = vec.fit_transform([own_text(e) for e in experts] + [q for q, _ in queries])
    sims = (X[len(experts):] @ X[: len(experts)].T).toarray()
    return np.argsort(-sims, axis=1, kind="stable")[:, :10]


def precision_at_5(ranked: np.ndarray, relevant: list[set[int]]) -> float:
    return float(np.mean([len(set(r[:5].tolist()) & rel) / 5 for r, rel in zip(ranked, relevant, strict=True)]))


def main() -> None:
    experts, needs, relevant = labelled_set()
    queries = [(n["text"], n["chain"]) for n in needs]
    ideal = float(np.mean([min(5, len(r)) / 5 for r in relevant]))
    print(f"labelled set: {len(needs)} needs, {len(experts)} experts, "
          f"{sum(len(e['achievements']) for e in experts)} achievements; the labels allow precision@5 ≤ {ideal:.2f}")
    ranked, _ = rank_affinity(experts, queries)
    print(f"precision@5  experts_for_text / need page (experts.affinity): {precision_at_5(ranked, relevant):.3f}")
    print(f"precision@5  need page's former matcher (registry, employer names): "
          f"{precision_at_5(rank_need_page_before(experts, queries), relevant):.3f}")
    print(f"precision@5  char-bigram TF-IDF cosine baseline: {precision_at_5(rank_bigram_baseline(experts, queries), relevant):.3f}")
    without_chain = [(q, None) for q, _ in queries]
    ranked_nc, _ = rank_affinity(experts, without_chain)
    print(f"precision@5  experts.affinity without the need's chain: {precision_at_5(ranked_nc, relevant):.3f}")

    print("cases:")
    probes = [("激光打印", None), ("激光打印机定影温度控制", None), ("钒钛催化剂", None),
              ("半钢子午胎胎面胶滚动阻力偏高", "tyres")]
    ranked, a = rank_affinity(experts, probes)
    lawyer = next(i for i, e in enumerate(experts) if e["field"] == "法学")
    for n, (q, c) in enumerate(probes):
        found = [int(j) for j in ranked[n] if a.total[n, j] > 0]
        reasons = a.reasons(n, found[0])["terms"] if found else []
        print(f"  «{q}»{'（' + CHAIN_NAMES[c] + '）' if c else ''}: {len(found)} experts; top: "
              f"{experts[found[0]]['keywords'] if found else '—'}; reasons {reasons}; "
              f"lawyer in top 5: {lawyer in found[:5]}")


if __name__ == "__main__":
    main()
