"""Text and field affinity between review items (or an enterprise's need) and experts: the one matcher of the
review rounds, ``experts_for_text`` and the technology market's need page.

Texts are segmented with jieba (its dictionary ships inside the package; nothing is downloaded) in search mode, so
that a long compound ("激光打印机", "钒钛催化剂") also yields the dictionary words inside it ("激光", "打印",
"催化剂") and meets an expert who wrote the shorter word. Beside the words, the character bigrams of each Chinese
word are a second, lighter feature block (a compound jieba does not know still shares its bigrams). Generic words
(研究, 技术, 先进, 关键, 需求, 有限公司, …) are dropped. Each block is weighted with scikit-learn's TF-IDF; the text
affinity of every item × expert pair is one sparse matrix product.

Field affinity: a shared GB/T 13745-2009 top-level discipline, a shared industry chain of document C. Where an item
shares text with an expert, the field bonus is at most ``FIELD_CAP`` times the text part, so a shared chain never
outweighs text (a tyre company's lawyer does not rank above tyre engineers); where an item shares no word with
any expert (or has no text), the fields alone decide. Affinity is in 0..1.
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
FIELD_CAP = 1.0  # the field bonus never exceeds the text part wherever the item shares text
BIGRAM_SHARE = 0.5  # share of the character-bigram block in the text cosine (words: the rest)
_lock = threading.Lock()
_ready = False
_STOP = set("""的 了 和 与 及 在 对 等 为 是 中 以 其 将 并 或 由 于 基于 研究 技术 开发 应用 项目 关键 一种 方法 系统 实现 进行
提高 我们 企业 公司 有限 有限公司 股份 集团 先进 问题 需求 需要 希望 寻求 解决 提升 改进 优化 方案 相关 主要 具有 推动 开展 形成
突破 产业 产业化 行业 领域 方面 能力 合作 专家 指导 面向 围绕 示范 瓶颈 攻关 自主 知识产权 提质增效 水平 国内 国际 领先 新型 高效
创新 科技 提供 服务 威海 山东 我市 本公司 我公司 产品 生产 工作 出现 导致 存在 较大 偏高 偏低 过高 过大 严重 不足 情况 目前
通过 同时 以及 进一步 作为 可以 能够 包括 实际 较高 较低 全面 重点 发展 建设""".split())
_KEEP = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


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
    """Teach jieba the experts' keywords so that "碳纤维复合材料" is cut the way experts write their fields (search
    mode still yields the words inside them, so a long keyword does not swallow the words it shares)."""
    jb = _jieba()
    new = {t for t in terms if 1 < len(t) <= 12} - _known_terms
    if not new:
        return
    with _lock:
        for t in new:
            jb.add_word(t, freq=2000)
        _known_terms.update(new)
        for f in (tokenize, words, bigrams):  # texts segmented before may now be cut differently
            f.cache_clear()


def _useful(tok: str) -> bool:
    return len(tok) >= 2 and tok not in _STOP and bool(_KEEP.match(tok))


@functools.lru_cache(maxsize=100_000)
def words(text: str) -> tuple[str, ...]:
    """The whole words of a text (jieba's precise mode, generic words dropped): what match reasons show."""
    return tuple(t for t in (tok.strip().lower() for tok in _jieba().lcut(text or "")) if _useful(t))


@functools.lru_cache(maxsize=100_000)
def tokenize(text: str) -> tuple[str, ...]:
    """Search-mode words: every whole word plus the dictionary words inside the longer ones (cached: the experts'
    profiles are segmented once per process, not once per query)."""
    return tuple(t for t in (tok.strip().lower() for tok in _jieba().lcut_for_search(text or "")) if _useful(t))


@functools.lru_cache(maxsize=100_000)
def bigrams(text: str) -> tuple[str, ...]:
    """Character bigrams of the Chinese runs left once generic words are taken out (a bigram may cross a word
    boundary that jieba got wrong, as in "子午胎胎面胶", but never a generic word or punctuation)."""
    out: list[str] = []
    run = ""
    for tok in _jieba().lcut(text or ""):
        if _HAN.fullmatch(tok) and tok not in _STOP:
            run += tok
            continue
        out.extend(run[j:j + 2] for j in range(len(run) - 1))
        run = ""
    out.extend(run[j:j + 2] for j in range(len(run) - 1))
    return tuple(out)


def expert_document(keywords: Sequence[str], field: str, title: str = "", achievements: Sequence[str] = ()) -> str:
    """The text an expert is matched on: their own fields only (research keywords twice, professional field,
    representative achievements), never their employer's name."""
    kws = " ".join(keywords)
    return " ".join(x for x in (kws, kws, field, title, *achievements) if x)


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
    item_vectors: sparse.csr_matrix  # the word block (reasons come from it)
    expert_vectors: sparse.csr_matrix
    vocabulary: np.ndarray
    item_side: Side
    expert_side: Side
    chain_names: dict[str, str]
    expert_docs: list[str] | None = None

    def _whole(self, term: str, e: int, i: int) -> str | None:
        """A shared search-mode term as a whole word: itself when it is a whole word of the item or the expert,
        else the expert's shortest whole word containing it ("激光" → "激光打印"); None if neither exists."""
        item_words = set(words(self.item_side.texts[i]))
        doc = self.expert_docs[e] if self.expert_docs else self.expert_side.texts[e]
        expert_words = words(doc)
        if term in item_words or term in expert_words:
            return term
        holders = sorted({w for w in expert_words if term in w}, key=len)
        return holders[0] if holders else None

    def reasons(self, i: int, e: int, terms: int = 4) -> dict:
        """Why expert e fits item i: the shared words that weigh most (whole words, never fragments such as
        "印机"), shared disciplines and chains."""
        a, b = self.item_vectors.getrow(i), self.expert_vectors.getrow(e)
        common, ia, ib = np.intersect1d(a.indices, b.indices, return_indices=True)
        weights = a.data[ia] * b.data[ib]
        shown: list[str] = []
        for j in np.argsort(-weights):
            w = self._whole(str(self.vocabulary[common[j]]), e, i)
            if w and w not in shown and not any(w in s for s in shown):
                shown = [s for s in shown if s not in w] + [w]
            if len(shown) >= terms:
                break
        disc = sorted({top_level(c) for c in self.item_side.disciplines[i]} & {top_level(c) for c in self.expert_side.disciplines[e]})
        chains = sorted(set(self.item_side.chains[i]) & set(self.expert_side.chains[e]))
        return {
            "terms": shown,
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


def _normalise(X: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.diags(1 / norms) @ X


def compute(items: Side, experts: Side, chain_names: dict[str, str] | None = None) -> Affinity:
    """Affinity of every item × expert pair (vectorised: sparse products, no per-pair loop)."""
    chain_names = chain_names or {}
    expert_docs = [
        t + " " + " ".join(TOP_LEVEL.get(top_level(c), "") for c in d) + " " + " ".join(chain_names.get(c, "") for c in ch)
        for t, d, ch in zip(experts.texts, experts.disciplines, experts.chains, strict=False)
    ]
    n_e = len(expert_docs)
    vec = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True, min_df=1, dtype=np.float32)
    W = vec.fit_transform(expert_docs + items.texts).tocsr()  # each text segmented once
    big = TfidfVectorizer(analyzer=bigrams, sublinear_tf=True, min_df=1, dtype=np.float32)
    B = big.fit_transform(expert_docs + items.texts).tocsr()
    X = _normalise(sparse.hstack([W * np.sqrt(1 - BIGRAM_SHARE), B * np.sqrt(BIGRAM_SHARE)]).tocsr())
    X_e, X_i = X[:n_e], X[n_e:]
    text = _dense_product(X_i, X_e)
    codes = {c: n for n, c in enumerate(sorted({top_level(c) for cs in items.disciplines + experts.disciplines for c in cs}))}
    D_i = _field_matrix([[top_level(c) for c in cs] for cs in items.disciplines], codes)
    D_e = _field_matrix([[top_level(c) for c in cs] for cs in experts.disciplines], codes)
    chains = {c: n for n, c in enumerate(sorted({c for cs in items.chains + experts.chains for c in cs}))}
    C_i = _field_matrix(items.chains, chains)
    C_e = _field_matrix(experts.chains, chains)
    fields = DISCIPLINE_WEIGHT * ((D_i.toarray() @ D_e.toarray().T) > 0)
    fields += CHAIN_WEIGHT * ((C_i.toarray() @ C_e.toarray().T) > 0)
    shares_text = (text > 0).any(axis=1, keepdims=True)
    total = np.where(shares_text, TEXT_WEIGHT * text + np.minimum(fields, FIELD_CAP * TEXT_WEIGHT * text), fields)
    return Affinity(total.astype(np.float32), text, W[n_e:], W[:n_e], vec.get_feature_names_out(), items, experts,
                    chain_names, expert_docs)
