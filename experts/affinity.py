"""Text and field affinity between review items (or an enterprise's need) and experts.

Texts are segmented with jieba (its dictionary ships inside the package; nothing is downloaded) and weighted with
scikit-learn's TF-IDF; the text affinity of every item × expert pair is one sparse matrix product. Field affinity:
a shared GB/T 13745-2009 top-level discipline, a shared industry chain of document C. Affinity is
``TEXT_WEIGHT·text + DISCIPLINE_WEIGHT·discipline + CHAIN_WEIGHT·chain`` in 0..1.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from experts.disciplines import TOP_LEVEL, top_level

TEXT_WEIGHT, DISCIPLINE_WEIGHT, CHAIN_WEIGHT = 0.6, 0.25, 0.15
_lock = threading.Lock()
_ready = False
_STOP = set("的 了 和 与 及 在 对 等 为 是 中 以 其 将 并 或 由 于 基于 研究 技术 开发 应用 项目 关键 一种 方法 系统 实现 进行 提高 我们 企业".split())
_KEEP = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]")


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


_known_terms: set[str] = set()


def add_terms(terms: Sequence[str]) -> None:
    """Teach jieba the experts' keywords so that "碳纤维复合材料" is cut the way experts write their fields."""
    jb = _jieba()
    new = {t for t in terms if 1 < len(t) <= 12} - _known_terms
    if not new:
        return
    with _lock:
        for t in new:
            jb.add_word(t, freq=2000)
        _known_terms.update(new)
        tokenize.cache_clear()  # texts segmented before may now be cut differently


@functools.lru_cache(maxsize=100_000)
def tokenize(text: str) -> tuple[str, ...]:
    """Segment a text (cached: the experts' profiles are segmented once per process, not once per query)."""
    jb = _jieba()
    out = []
    for tok in jb.lcut(text or ""):
        tok = tok.strip().lower()
        if len(tok) < 2 or tok in _STOP or not _KEEP.match(tok):
            continue
        out.append(tok)
    return tuple(out)


@dataclass
class Side:
    """Experts or items as text plus field codes."""

    texts: list[str]
    disciplines: list[list[str]]
    chains: list[list[str]]


@dataclass
class Affinity:
    total: np.ndarray  # items × experts, float32
    text: np.ndarray  # items × experts, cosine of the TF-IDF vectors
    item_vectors: sparse.csr_matrix
    expert_vectors: sparse.csr_matrix
    vocabulary: np.ndarray
    item_side: Side
    expert_side: Side
    chain_names: dict[str, str]

    def reasons(self, i: int, e: int, terms: int = 4) -> dict:
        """Why expert e fits item i: the shared terms that weigh most, shared disciplines and chains."""
        a, b = self.item_vectors.getrow(i), self.expert_vectors.getrow(e)
        common, ia, ib = np.intersect1d(a.indices, b.indices, return_indices=True)
        weights = a.data[ia] * b.data[ib]
        order = np.argsort(-weights)[:terms]
        disc = sorted({top_level(c) for c in self.item_side.disciplines[i]} & {top_level(c) for c in self.expert_side.disciplines[e]})
        chains = sorted(set(self.item_side.chains[i]) & set(self.expert_side.chains[e]))
        return {
            "terms": [str(self.vocabulary[common[j]]) for j in order],
            "disciplines": [f"{c} {TOP_LEVEL.get(c, '')}" for c in disc],
            "chains": [self.chain_names.get(c, c) for c in chains],
            "text": round(float(self.text[i, e]), 3),
            "score": round(float(self.total[i, e]), 3),
        }


def _dense_product(X_i: sparse.csr_matrix, X_e: sparse.csr_matrix, chunk: int = 2048) -> np.ndarray:
    """X_i · X_eᵀ as a dense float32 array, computed sparse × dense by blocks of experts (fast, bounded memory)."""
    out = np.empty((X_i.shape[0], X_e.shape[0]), dtype=np.float32)
    for j in range(0, X_e.shape[0], chunk):
        out[:, j:j + chunk] = X_i @ X_e[j:j + chunk].T.toarray()
    return out


def _field_matrix(codes: list[list[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for r, cs in enumerate(codes):
        for c in set(cs):
            if c in vocab:
                rows.append(r)
                cols.append(vocab[c])
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(codes), max(len(vocab), 1)))


def compute(items: Side, experts: Side, chain_names: dict[str, str] | None = None) -> Affinity:
    """Affinity of every item × expert pair (vectorised: sparse products, no per-pair loop)."""
    chain_names = chain_names or {}
    expert_docs = [
        t + " " + " ".join(TOP_LEVEL.get(top_level(c), "") for c in d) + " " + " ".join(chain_names.get(c, "") for c in ch)
        for t, d, ch in zip(experts.texts, experts.disciplines, experts.chains, strict=False)
    ]
    vec = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True, min_df=1, dtype=np.float32)
    X = vec.fit_transform(expert_docs + items.texts).tocsr()  # each text segmented once
    X_e, X_i = X[: len(expert_docs)], X[len(expert_docs):]
    text = _dense_product(X_i, X_e)
    codes = {c: n for n, c in enumerate(sorted({top_level(c) for cs in items.disciplines + experts.disciplines for c in cs}))}
    D_i = _field_matrix([[top_level(c) for c in cs] for cs in items.disciplines], codes)
    D_e = _field_matrix([[top_level(c) for c in cs] for cs in experts.disciplines], codes)
    chains = {c: n for n, c in enumerate(sorted({c for cs in items.chains + experts.chains for c in cs}))}
    C_i = _field_matrix(items.chains, chains)
    C_e = _field_matrix(experts.chains, chains)
    total = text * TEXT_WEIGHT
    total += DISCIPLINE_WEIGHT * ((D_i.toarray() @ D_e.toarray().T) > 0)
    total += CHAIN_WEIGHT * ((C_i.toarray() @ C_e.toarray().T) > 0)
    return Affinity(total, text, X_i, X_e, vec.get_feature_names_out(), items, experts,
                    chain_names)
