"""Chinese text relevance: jieba segmentation + Okapi BM25 on scikit-learn sparse matrices.

One ``TextIndex`` per kind of candidate (achievements, research teams, enterprises, experts). Scoring one query is
a sparse row sum over the query's terms (no per-document Python loop); structured filters (chain, district,
maturity) are boolean masks over the same rows; the top k come from ``numpy.argpartition``. Each hit carries its
reasons: the shared terms that weighed most, and the shared fields.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import jieba
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

jieba.setLogLevel(logging.WARNING)

#: Words that say nothing about the technology (generic need/achievement phrasing).
STOPWORDS = frozenset("""
的 了 和 与 及 或 等 在 对 为 是 将 把 被 以 于 中 上 下 其 该 本 我们 我司 公司 企业 有限公司 有限 单位 需要 需求 希望
寻求 寻找 解决 问题 技术 相关 进行 实现 通过 采用 具有 一种 一个 以及 方面 提供 目前 现有 存在 能够 可以 用于 主要
项目 研究 开发 研发 合作 方案 要求 达到 提高 提升 降低 工作 情况 方法 系统 我们 本单位 拟 现 已 其中 从而 并 且
""".split())
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_ALNUM = re.compile(r"^[A-Za-z0-9.\-]+$")


def tokenize(text: str) -> list[str]:
    """jieba search-mode segmentation (long words also yield their parts), lower-cased, stopwords and single
    Chinese characters dropped; alphanumeric codes (5G, PEEK, 316L) are kept."""
    out = []
    for tok in jieba.lcut_for_search(text or ""):
        tok = tok.strip().lower()
        if not tok or tok in STOPWORDS or not _KEEP.search(tok):
            continue
        if len(tok) == 1 and not _ALNUM.match(tok):
            continue
        if tok.isdigit():
            continue
        out.append(tok)
    return out


@dataclass
class Hit:
    """One ranked candidate: its id, a score (0–100, share of the query's best attainable BM25 score) and why."""

    id: int
    score: float
    terms: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)


class TextIndex:
    """BM25 (k1, b) over a fixed list of documents; ``meta`` holds integer arrays for the structured filters."""

    def __init__(self, ids: Sequence[int], texts: Iterable[str], meta: dict[str, Sequence[int]] | None = None,
                 k1: float = 1.2, b: float = 0.75, tokens: list[list[str]] | None = None) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.k1, self.b = k1, b
        self.vectorizer = CountVectorizer(analyzer=_identity if tokens is not None else tokenize, dtype=np.float32)
        docs = tokens if tokens is not None else list(texts)
        n = len(self.ids)
        if n == 0:
            self.vectorizer.fit([["空"]] if tokens is not None else ["空白"])
            self.weights = sp.csr_matrix((0, len(self.vectorizer.vocabulary_)), dtype=np.float32)
        else:
            counts = self.vectorizer.fit_transform(docs).tocsr()
            self.weights = self._bm25(counts)
        self.by_term = self.weights.T.tocsr()  # terms × documents: a query sums a few rows
        self.terms = np.array(self.vectorizer.get_feature_names_out())
        self.meta = {k: np.asarray(v, dtype=np.int64) for k, v in (meta or {}).items()}
        self.position = {int(i): k for k, i in enumerate(self.ids)}

    def _bm25(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        norm = self.k1 * (1 - self.b + self.b * lengths / max(lengths.mean(), 1e-9))
        tf = counts.data
        row_norm = np.repeat(norm, np.diff(counts.indptr)).astype(np.float32)
        data = self.idf[counts.indices] * tf * (self.k1 + 1) / (tf + row_norm)
        return sp.csr_matrix((data.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape)

    def __len__(self) -> int:
        return len(self.ids)

    def query_terms(self, text: str) -> np.ndarray:
        vocab = self.vectorizer.vocabulary_
        return np.unique(np.fromiter((vocab[t] for t in tokenize(text) if t in vocab), dtype=np.int64))

    def _ceiling(self, terms: np.ndarray) -> float:
        """The best score a document could reach on these terms (every term, saturated): scores become shares."""
        return float(self.idf[terms].sum() * (self.k1 + 1)) if len(terms) else 1.0

    def mask(self, **filters: int | Sequence[int] | None) -> np.ndarray | None:
        """Rows whose meta values are in the given filter values (None = no filter)."""
        out = None
        for key, wanted in filters.items():
            if wanted is None or wanted == "" or key not in self.meta:
                continue
            values = [wanted] if isinstance(wanted, int | str) else list(wanted)
            m = np.isin(self.meta[key], np.asarray(values, dtype=np.int64))
            out = m if out is None else out & m
        return out

    def scores(self, terms: np.ndarray) -> np.ndarray:
        if len(terms) == 0 or len(self.ids) == 0:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.by_term[terms].sum(axis=0)).ravel()

    def search(self, text: str, k: int = 10, *, boost: dict[str, tuple[int, float, str]] | None = None,
               exclude: Iterable[int] = (), only: Iterable[int] | None = None, min_score: float = 1.0,
               **filters) -> list[Hit]:
        """Top ``k`` documents for ``text``; ``boost`` adds points when a meta field equals a value (e.g. the same
        industry chain) and names it as a reason; filters restrict rows (``chain=3``, ``region=[1, 2]``)."""
        terms = self.query_terms(text)
        s = self.scores(terms) * (100.0 / self._ceiling(terms))
        for key, (value, points, _label) in (boost or {}).items():
            if value is not None and key in self.meta:
                s = s + np.where(self.meta[key] == value, points, 0.0) * (s > 0)
        m = self.mask(**filters)
        if m is not None:
            s = np.where(m, s, -1.0)
        for i in exclude:
            if int(i) in self.position:
                s[self.position[int(i)]] = -1.0
        if only is not None:
            keep = np.zeros(len(s), dtype=bool)
            keep[[self.position[int(i)] for i in only if int(i) in self.position]] = True
            s = np.where(keep, s, -1.0)
        k = min(k, len(s))
        if k == 0:
            return []
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        hits = []
        for row in top:
            if s[row] < min_score or s[row] < 0:
                break
            weights = self.weights[row, terms].toarray().ravel() if len(terms) else np.zeros(0)
            shared = [str(self.terms[t]) for t, w in sorted(zip(terms, weights, strict=True), key=lambda x: -x[1])
                      if w > 0][:6]
            reasons = [label for key, (value, _p, label) in (boost or {}).items()
                       if value is not None and key in self.meta and self.meta[key][row] == value]
            hits.append(Hit(int(self.ids[row]), round(float(min(s[row], 100.0)), 1), shared, reasons))
        return hits

    def search_many(self, texts: Sequence[str], k: int = 10, chunk: int = 256,
                    dense_budget: int = 1 << 30) -> tuple[np.ndarray, np.ndarray]:
        """All pairs, in blocks of queries: returns (ids, scores) arrays of shape (len(texts), k); -1 pads rows with
        fewer than k matching documents.

        When the terms × documents matrix fits in ``dense_budget`` bytes it is densified once and each query sums
        its terms' rows; otherwise a block is a sparse × dense product. The top k of a block come from
        ``numpy.partition`` (the k-th largest score per row) and one sort of the few candidates at or above it,
        which is several times faster than ``argpartition`` on wide rows."""
        vocab = self.vectorizer.vocabulary_
        term_lists = [np.unique(np.fromiter((vocab[t] for t in tokenize(text) if t in vocab), dtype=np.int64))
                      for text in texts]
        n_docs = len(self.ids)
        k = min(k, n_docs)
        out_ids = np.full((len(texts), k), -1, dtype=np.int64)
        out_scores = np.zeros((len(texts), k), dtype=np.float32)
        if k == 0:
            return out_ids, out_scores
        ceilings = np.array([self._ceiling(t) for t in term_lists], dtype=np.float32)
        dense = self.by_term.toarray() if self.by_term.shape[0] * n_docs * 4 <= dense_budget else None
        for start in range(0, len(texts), chunk):
            terms = term_lists[start:start + chunk]
            if dense is not None:
                block = np.stack([dense[t].sum(axis=0) if len(t) else np.zeros(n_docs, np.float32) for t in terms])
            else:
                rows = np.repeat(np.arange(len(terms)), [len(t) for t in terms])
                q = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, np.concatenate(terms))),
                                  shape=(len(terms), len(vocab)))
                block = np.ascontiguousarray((self.weights @ q.T.toarray()).T)
            kth = np.partition(block, n_docs - k, axis=1)[:, n_docs - k]
            r, c = np.nonzero(block >= np.maximum(kth, 1e-9)[:, None])
            v = block[r, c]
            order = np.lexsort((-v, r))
            r, c, v = r[order], c[order], v[order]
            rank = np.arange(len(r)) - np.searchsorted(r, r)
            keep = rank < k
            out_ids[start + r[keep], rank[keep]] = self.ids[c[keep]]
            out_scores[start + r[keep], rank[keep]] = v[keep] * (100.0 / ceilings[start + r[keep]])
        return out_ids, out_scores


def _identity(x):
    return x
