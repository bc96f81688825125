"""Explanations: the generic machinery that turns a screening's arrays into per-provision sentences.

A jurisdiction declares, next to each article's rule, how its results are explained (``Provision.explanation``):
declared data — :class:`EventAmounts` (one sentence per qualifying event), :class:`RuleTable` (the ``Rule``/``Path``
tables the rules are built from), :class:`AnnualCount`, :class:`PerUnitCapped` — whose figures come from the same
parameters the rule read, or :class:`Custom` for an article that needs code of its own (that code lives in the
article's module). The platform explains provision by provision: a vectorised mask over organisations first (only
organisations that can produce a result or a near miss), then the sentences for those pairs only; parameters are read
once per (path, day) per call.

Each explainer also says, without building a sentence, how many of its results have the status "applies" and their
amount: ``tally(p, ctx) -> (count, fen)``, two int64 arrays over the organisations computed with numpy from the same
arrays (each result's amount rounded to the fen as :func:`yuan` rounds, then summed). The what-if (``policy.whatif``)
counts with it; ``policy/tests/test_whatif_amounts.py`` checks it against the sentences. A :class:`Custom` article
declares its own ``applies(p, ctx)`` beside its ``explain``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import weakref
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

#: Award grades as ASCII codes (the registry's vocabulary; openfisca string storage is ASCII).
GRADE_CODES = {"特等奖": "special", "一等奖": "first", "二等奖": "second", "三等奖": "third", "青年奖": "youth",
               "优秀": "excellent"}
GRADE_NAMES = {v: k for k, v in GRADE_CODES.items()}


@dataclass
class ProvisionResult:
    provision_id: str
    title: str
    document: str
    article: str
    form: str
    is_ceiling: bool
    amount: Decimal
    status: str
    explanation: str
    missing: str = ""
    facts_used: dict = field(default_factory=dict)
    interpretations: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["amount"] = str(self.amount)
        return d


# ---------------------------------------------------------------- formatting


def _wan(yuan_: float | Decimal) -> str:
    v = Decimal(str(yuan_)) / Decimal(10000)
    text = format(v.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize(), "f")
    return f"{text} 万元"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%".replace(".0%", "%")


def _yuan(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(Decimal("0.01"))


# The formatters are memoised per (type, value): fixed rewards and parameters repeat across organisations. Typed, so
# that a float and a numpy float of equal value (whose texts may differ) are kept apart; zeros are not memoised
# (0.0 and -0.0 are equal keys with different texts).
_wan_memo = functools.lru_cache(maxsize=1 << 16, typed=True)(_wan)
_pct_memo = functools.lru_cache(maxsize=1 << 12, typed=True)(_pct)
_yuan_memo = functools.lru_cache(maxsize=1 << 16, typed=True)(_yuan)


def wan(yuan_: float | Decimal) -> str:
    """Yuan as a Chinese 万元 figure: 1500000 → '150 万元'. A float or int is rounded in integers, to the text the
    decimal path gives: the figure is rounded half up (away from zero) to the hundred yuan, which only the whole
    yuan decide (a fraction of a yuan never moves r + fraction across 50)."""
    if yuan_ and isinstance(yuan_, int | float) and -1e15 < yuan_ < 1e15:
        n = int(yuan_)
        q, r = divmod(-n if n < 0 else n, 100)  # hundreds of yuan: hundredths of 万元, half up
        whole, frac = divmod(q + (r >= 50), 100)
        sign = "-" if yuan_ < 0 else ""
        if not frac:
            return f"{sign}{whole} 万元"
        return f"{sign}{whole}.{frac // 10} 万元" if frac % 10 == 0 else f"{sign}{whole}.{frac:02d} 万元"
    return _wan_memo(yuan_) if yuan_ else _wan(yuan_)


def pct(x: float) -> str:
    return _pct_memo(x) if x else _pct(x)


def yuan(x: float) -> Decimal:
    return _yuan_memo(x) if x else _yuan(x)


def pct_short_of(x: float, threshold: float) -> str:
    """A rate under ``threshold`` with enough decimals that it reads as under it: 0.0995 against 0.10 → '9.95%',
    never '10%' (issue 26 item 13)."""
    text = pct(x)
    if x >= threshold:
        return text
    value = Decimal(str(float(x))) * 100
    for digits in range(2, 9):
        shown = value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        if shown < Decimal(str(float(threshold))) * 100:
            return f"{shown.normalize():f}%"
    return f"{value.quantize(Decimal('1e-8'), ROUND_FLOOR).normalize():f}%"


def wan_short_of(x: float | Decimal, threshold: float | Decimal) -> str:
    """An amount under ``threshold``: in 万元 where that reads as under it, else to the fen in 元 (999,999.99 against
    100 万元 → '999,999.99 元', never '100 万元')."""
    text = wan(x)
    hundreds = (Decimal(str(x)) / 100).quantize(Decimal(1), ROUND_HALF_UP) * 100  # what the 万元 text shows
    if x >= threshold or hundreds < Decimal(str(threshold)):
        return text
    return f"{Decimal(str(x)).quantize(Decimal('0.01'), ROUND_FLOOR):,} 元"


def fen(values: Any) -> np.ndarray:
    """Amounts in yuan → int64 fen, each rounded as :func:`yuan` rounds it (Python's ``round(x, 2)`` on the float64
    value): numpy's rounding of x × 100, and Python's own for the values within a thousandth of a fen of a half fen
    (where x × 100 in floating point may fall on the other side)."""
    v = np.asarray(values, dtype=np.float64)
    x = v * 100.0
    out = np.rint(x)
    for k in np.flatnonzero(np.abs(x - np.floor(x) - 0.5) < 1e-3):
        out[k] = int(Decimal(str(round(float(v[k]), 2))) * 100)
    return out.astype(np.int64)


def result(p: Any, amount: float, status: str, explanation: str, facts: dict, missing: str = "",
           caveats: list[str] | None = None) -> ProvisionResult:
    cav = list(caveats) if caveats else []
    if p.is_ceiling and status == "applies":
        cav.insert(0, "最高限额（不超过/择优）：需评审确定实际金额")
    if p.also_cited:
        cav.append(_also_cited(p.also_cited))
    return ProvisionResult(p.id, p.title, p.document, p.article, p.form, p.is_ceiling,
                           yuan(amount) if status == "applies" else _ZERO, status, explanation, missing,
                           facts, list(p.interpretations), cav)


_ZERO = Decimal("0.00")


@functools.lru_cache(maxsize=256)
def _also_cited(also_cited: tuple[str, ...]) -> str:
    return f"与 {'、'.join(also_cited)} 为同一规定，只兑现一次"


def cite(p: Any) -> str:
    return f"（{p.document} {p.article}）"


def event_facts(e: dict[str, Any]) -> dict[str, Any]:
    return {"event": e["title"] or e["subject"], "occurred_on": e["date"].isoformat(), "level": e["level"],
            "grade": e["grade"], "amount": e["amount"]}


# ---------------------------------------------------------------- parameters, read once per (path, day)


class ParamReader:
    """Parameter values on days, each (path, day) looked up once on the leaf (never the whole tree per lookup)."""

    def __init__(self, parameters: Any) -> None:
        self.parameters = parameters
        self._leaves: dict[str, Any] = {}
        self._values: dict[tuple[str, str], float | None] = {}

    def leaf(self, path: str) -> Any:
        node = self._leaves.get(path)
        if node is None:
            node = self.parameters
            for part in path.split("."):
                node = node.children[part]
            self._leaves[path] = node
        return node

    def on(self, path: str, day: Any) -> float | None:
        """The value in force on ``day`` (a date or ISO text), or None where its document is not in force."""
        key = (path, str(day))
        if key not in self._values:
            value = self.leaf(path)(key[1])
            self._values[key] = None if value is None else float(value)
        return self._values[key]

    def cap_of_year(self, path: str, year: int) -> float | None:
        """The yearly cap in force on 31 December; for the year its document expires, the value of its last day in
        force; None when it was not in force that year."""
        value = self.on(path, f"{year}-12-31")
        if value is not None:
            return value
        key = (path, f"last-{year}")
        if key not in self._values:
            found = None
            entries = sorted(self.leaf(path).values_list, key=lambda v: v.instant_str, reverse=True)
            for k, v in enumerate(entries):
                if v.instant_str <= f"{year}-12-31":
                    if v.value is None and v.instant_str > f"{year}-01-01" and k + 1 < len(entries):
                        before = entries[k + 1].value
                        found = None if before is None else float(before)
                    break
            self._values[key] = found
        return self._values[key]


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(tbs: Any) -> tuple[ParamReader, dict[tuple[str, str], bool]]:
    """Parameter values and window tests of one system, kept while the system lives (batches share them)."""
    try:
        return _MEMO[tbs]
    except (KeyError, TypeError):
        memo = (ParamReader(tbs.parameters), {})
        try:
            _MEMO[tbs] = memo
        except TypeError:  # a system that cannot be weakly referenced: memo for this call only
            pass
        return memo


# ---------------------------------------------------------------- the context of one explain() call


class Context:
    """What the explainers of one explain() call share: rows (touched only for candidates), arrays, parameters."""

    def __init__(self, rows: Sequence[dict[str, Any]], arrays: dict[str, np.ndarray], year: int, tbs: Any,
                 jurisdiction: Any) -> None:
        self.rows, self.arrays, self.year, self.j = rows, arrays, year, jurisdiction
        self.n = len(rows)
        self.params, self._windows = _memo(tbs)
        self.parameters = tbs.parameters
        owner = np.asarray(arrays["_owner"], dtype=np.int64)
        self.owner = owner
        counts = np.bincount(owner, minlength=self.n) if len(owner) else np.zeros(self.n, dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._starts = self.starts.tolist()  # spans of single organisations read without numpy scalars
        self._labels: dict[tuple, str] = {}
        self._pairs: tuple[dict, dict, np.ndarray] | None = None
        self._row_cache: dict[int, dict[str, Any]] = {}
        self._columns: dict[str, list] | None = None
        self._once: dict[Any, Any] = {}

    # rows and events
    def row(self, i: int) -> dict[str, Any]:
        row = self._row_cache.get(i)
        if row is None:
            row = self._row_cache[i] = self.rows[i]
        return row

    def once(self, key: Any, make: Callable[[Context], Any]) -> Any:
        """``make(self)``, computed on the first call for ``key`` and kept for the rest of the call of explain(): what
        an explanation reads that is the same for every organisation (parameters on a fixed day, their texts)."""
        try:
            return self._once[key]
        except KeyError:
            value = self._once[key] = make(self)
            return value

    def columns(self) -> dict[str, list]:
        """The rows' values by key, as lists over the organisations (``columns()[name][i] == row(i)[name]``; not
        "events"): an explanation that needs a few facts of many organisations reads them without making rows. Lazy
        rows (policy.facts.Rows) give their columns; rows typed as dicts are turned once."""
        if self._columns is None:
            facts = getattr(self.rows, "facts", None)
            if facts is not None:
                self._columns = facts._columns()
            else:
                rows = [self.row(i) for i in range(self.n)]
                keys = [k for k in rows[0] if k != "events"] if rows else []
                self._columns = {k: [r[k] for r in rows] for k in keys}
        return self._columns

    def span(self, i: int) -> tuple[int, int]:
        return self._starts[i], self._starts[i + 1]

    def per_event(self, name: str, i: int) -> np.ndarray:
        lo, hi = self.span(i)
        return self.arrays[name][lo:hi]

    def value(self, name: str, i: int) -> float:
        return float(self.arrays[name][i])

    def on(self, path: str, day: Any) -> float | None:
        return self.params.on(path, day)

    def window(self, rule: Any, day: Any) -> bool:
        """The jurisdiction's window test for a rule-like object (``.window`` mode) on one day, memoised."""
        key = (getattr(rule, "window", ""), str(day))
        if key not in self._windows:
            test = self.j.window_ok
            self._windows[key] = True if test is None else bool(
                test(rule, self.parameters, np.array([key[1]], dtype="datetime64[D]"))[0])
        return self._windows[key]

    def event_label(self, e: dict[str, Any]) -> str:
        key = (e["date"], e["level"], e["subject"], e["grade"], e["role"])
        text = self._labels.get(key)
        if text is None:
            text = self._labels[key] = self._event_label(e)
        return text

    def _event_label(self, e: dict[str, Any]) -> str:
        text = f"{e['date']} {self.j.level_names.get(e['level'], '')}{self.j.event_names.get(e['subject'], e['subject'])}"
        if e["grade"] == "excellent":
            text += "（考核优秀）"
        elif e["grade"]:
            text += GRADE_NAMES.get(e["grade"], e["grade"])
        if e["role"] == "lead":
            text += "（牵头/第一完成单位）"
        return text

    # vectorised masks over organisations
    def all(self) -> np.ndarray:
        return np.ones(self.n, dtype=bool)

    def _event_pairs(self) -> tuple[dict, dict, np.ndarray] | None:
        if self._pairs is None:
            if "event_kind" not in self.arrays or "event_subject" not in self.arrays:
                return None
            m = len(self.owner)
            kinds = np.asarray(self.arrays["event_kind"][:m]).astype(str)
            subjects = np.asarray(self.arrays["event_subject"][:m]).astype(str)
            uk, ki = np.unique(kinds, return_inverse=True)
            us, si = np.unique(subjects, return_inverse=True)
            self._pairs = ({k: n for n, k in enumerate(uk)}, {s: n for n, s in enumerate(us)},
                           ki.astype(np.int64) * max(len(us), 1) + si)
        return self._pairs

    def with_events(self, pairs: Sequence[tuple[str, Sequence[str] | None]]) -> np.ndarray:
        """Organisations having an event of one of the (kind, subjects) pairs (subjects None: any); all of them when
        the arrays do not carry the event inputs."""
        got = self._event_pairs()
        if got is None:
            return self.all()
        kinds, subjects, code = got
        width = max(len(subjects), 1)
        targets = [kinds[k] * width + subjects[s] for k, ss in pairs if k in kinds
                   for s in (subjects if ss is None else ss) if s in subjects]
        mask = np.zeros(self.n, dtype=bool)
        if targets:
            mask[self.owner[np.isin(code, targets)]] = True
        return mask

    def with_positive_event(self, name: str) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        per = np.asarray(self.arrays[name][: len(self.owner)])
        mask[self.owner[per > 0]] = True
        return mask

    def positive(self, name: str) -> np.ndarray:
        return np.asarray(self.arrays[name][: self.n]) > 0

    def org_input(self, name: str) -> np.ndarray | None:
        values = self.arrays.get(name)
        return None if values is None else np.asarray(values[: self.n])

    # vectorised results that apply (tally): arrays over organisations and over their events
    @property
    def m(self) -> int:
        """The number of events (the event arrays carry one placeholder per organisation after them)."""
        return len(self.owner)

    def org_values(self, name: str) -> np.ndarray:
        return np.asarray(self.arrays[name][: self.n])

    def event_values(self, name: str) -> np.ndarray:
        return np.asarray(self.arrays[name][: self.m])

    def none(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.n, dtype=np.int64), np.zeros(self.n, dtype=np.int64)

    def any_event(self, events: np.ndarray) -> np.ndarray:
        """Organisations owning one of the events (indexes)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.owner[events]] = True
        return mask

    def one_per_org(self, mask: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One result per organisation in ``mask``, of the organisation's amount."""
        cents = np.zeros(self.n, dtype=np.int64)
        where = np.flatnonzero(mask)
        cents[where] = fen(np.asarray(amounts)[where])
        return np.asarray(mask, dtype=bool).astype(np.int64), cents

    def one_per_event(self, events: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One result per event (indexes), of the event's amount (``amounts`` over those events)."""
        owners = self.owner[events]
        count = np.bincount(owners, minlength=self.n).astype(np.int64)
        cents = np.bincount(owners, weights=fen(amounts).astype(np.float64), minlength=self.n)
        return count, np.rint(cents).astype(np.int64)

    def sum_by_org(self, values: np.ndarray) -> np.ndarray:
        """Per organisation, ``float(values[its events].sum())`` exactly as numpy sums the slice (in the array's own
        type): the single non-zero value where there is one, the slice's own sum where there are several."""
        values = np.asarray(values[: self.m])
        nonzero = np.flatnonzero(values != 0)
        owners = self.owner[nonzero]
        out = np.zeros(self.n, dtype=np.float64)
        out[owners] = values[nonzero].astype(np.float64)
        several = np.flatnonzero(np.bincount(owners, minlength=self.n) > 1)
        for i in several:
            lo, hi = self.span(int(i))
            out[i] = float(values[lo:hi].sum())
        return out

    def on_dates(self, path: str, dates: np.ndarray) -> np.ndarray:
        """The parameter on each day (datetime64[D]); NaN where its document is not in force."""
        days, inverse = np.unique(np.asarray(dates, dtype="datetime64[D]"), return_inverse=True)
        values = np.array([np.nan if (v := self.on(path, str(d))) is None else v for d in days], dtype=np.float64)
        return values[inverse.reshape(-1)] if len(days) else np.zeros(0)

    def window_on(self, rule: Any, dates: np.ndarray) -> np.ndarray:
        """:meth:`window` on each day (datetime64[D])."""
        days, inverse = np.unique(np.asarray(dates, dtype="datetime64[D]"), return_inverse=True)
        values = np.array([self.window(rule, str(d)) for d in days], dtype=bool)
        return values[inverse.reshape(-1)] if len(days) else np.zeros(0, dtype=bool)


def member(values: np.ndarray, options: Sequence[str]) -> np.ndarray:
    """Elementwise ``value in options`` for texts as openfisca stores them (bytes) or as text."""
    values = np.asarray(values)
    if not len(options):
        return np.zeros(len(values), dtype=bool)
    wanted = [o.encode() for o in options] if values.dtype.kind == "S" else list(options)
    if len(wanted) == 1:
        return np.asarray(values == wanted[0], dtype=bool)
    return np.isin(values, np.array(wanted, dtype=values.dtype if values.dtype.kind in "SU" else object))


# ---------------------------------------------------------------- declared explanations


@dataclass(frozen=True)
class EventSplit:
    """Two provisions computed by one variable: an event belongs to the ceiling one when its subject or level is
    listed here."""

    ceiling_subjects: tuple[str, ...] = ()
    ceiling_levels: tuple[str, ...] = ()

    def is_ceiling(self, e: dict[str, Any]) -> bool:
        return e["subject"] in self.ceiling_subjects or e["level"] in self.ceiling_levels


@dataclass(frozen=True)
class Matching:
    """A matching of a higher-level amount: the sentence names the ratio the rule read (``ratio`` parameter on the
    event date); an event of ``kind``/``subject``/``grades`` without the amount is a near miss in the rule's window."""

    ratio: str
    kind: str
    subject: str
    grades: tuple[str, ...]
    window: str  # the jurisdiction's window mode (as a Rule's)
    template: str  # fields: label, base, ratio, amount
    missing: str


@dataclass(frozen=True)
class EventAmounts:
    """One sentence per event with an amount: '<event>：[不超过 ]<amount>（citation）'."""

    split: EventSplit | None = None
    matching: Matching | None = None

    def candidates(self, p: Any, ctx: Context) -> np.ndarray:
        mask = ctx.with_positive_event(p.variable)
        if self.matching is not None:
            mask |= ctx.with_events([(self.matching.kind, (self.matching.subject,))])
        return mask

    def tally(self, p: Any, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        """One result per event with an amount (of the provision's side of a split); near misses do not count."""
        per = ctx.event_values(p.variable)
        events = np.flatnonzero(per > 0)
        if self.split is not None:
            ceiling = (member(ctx.event_values("event_subject")[events], self.split.ceiling_subjects)
                       | member(ctx.event_values("event_level")[events], self.split.ceiling_levels))
            events = events[ceiling == bool(p.is_ceiling)]
        return ctx.one_per_event(events, per[events])

    def explain(self, p: Any, ctx: Context, i: int) -> list[ProvisionResult]:
        out: list[ProvisionResult] = []
        row = ctx.row(i)
        evs = row["events"]
        m = self.matching
        if m is not None:
            for e in evs:
                if (e["kind"] == m.kind and e["subject"] == m.subject and not e.get("amount_given", True)
                        and e["grade"] in m.grades and ctx.window(m, e["date"]) and ctx.on(m.ratio, e["date"]) is not None):
                    ratio = ctx.on(m.ratio, e["date"]) or 0.0
                    out.append(result(p, 0, "near", ctx.event_label(e), {"occurred_on": e["date"].isoformat()},
                                      missing=m.missing.format(ratio=f"{ratio:g}")))
        per = ctx.per_event(p.variable, i)
        for k in [k for k, v in enumerate(per.tolist()) if v > 0]:  # a few events: no numpy call per organisation
            e = evs[k]
            if self.split is not None and self.split.is_ceiling(e) != p.is_ceiling:
                continue
            if m is not None:
                ratio = ctx.on(m.ratio, e["date"]) or 0.0
                text = m.template.format(label=ctx.event_label(e), base=wan(e["amount"]), ratio=f"{ratio:g}",
                                         amount=wan(per[k]))
            else:
                text = f"{ctx.event_label(e)}：{'不超过 ' if p.is_ceiling else ''}{wan(per[k])}"
            out.append(result(p, float(per[k]), "applies", text + cite(p),
                              {"event": e["title"] or e["subject"], "occurred_on": e["date"].isoformat(),
                               "level": e["level"], "grade": e["grade"], "amount": e["amount"]}))
        return out


def _path_matches(path: Any, e: dict[str, Any], row: dict[str, Any]) -> bool:
    """The event fits the path's kind, subject, level, grade, role and organisation kind (qualifications apart)."""
    return (e["kind"] == path.kind and e["subject"] in path.subjects
            and (not path.levels or e["level"] in path.levels) and (not path.grades or e["grade"] in path.grades)
            and (not path.role or e["role"] == path.role) and (not path.org_kinds or row["kind"] in path.org_kinds))


@dataclass(frozen=True)
class RuleTable:
    """A table-driven provision (the jurisdiction's ``rules[variable]``): each qualifying event with its arithmetic,
    the yearly cap where there is one, and near misses (missing amount, amount under the threshold, missing
    qualification)."""

    def candidates(self, p: Any, ctx: Context) -> np.ndarray:
        rule = ctx.j.rules[p.variable]
        return ctx.with_events([(path.kind, path.subjects) for path in rule.paths])

    def tally(self, p: Any, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        """Events with an amount that fit a path: one result each, or one per organisation of its capped amount."""
        rule = ctx.j.rules[p.variable]
        per = ctx.event_values(f"{p.variable}_event" if rule.cap else p.variable)
        events = np.flatnonzero(per > 0)
        if len(events):
            columns = {name: ctx.event_values(f"event_{name}")[events]
                       for name in ("kind", "subject", "level", "grade", "role", "org_kind")}
            fits = np.zeros(len(events), dtype=bool)
            for path in rule.paths:
                ok = member(columns["kind"], (path.kind,)) & member(columns["subject"], path.subjects)
                if path.levels:
                    ok &= member(columns["level"], path.levels)
                if path.grades:
                    ok &= member(columns["grade"], path.grades)
                if path.role:
                    ok &= member(columns["role"], (path.role,))
                if path.org_kinds:
                    ok &= member(columns["org_kind"], path.org_kinds)
                fits |= ok
            events = events[fits]
        if rule.cap:
            return ctx.one_per_org(ctx.any_event(events), ctx.org_values(p.variable))
        return ctx.one_per_event(events, per[events])

    def explain(self, p: Any, ctx: Context, i: int) -> list[ProvisionResult]:
        rule = ctx.j.rules[p.variable]
        row = ctx.row(i)
        evs = row["events"]
        per = ctx.per_event(f"{p.variable}_event" if rule.cap else p.variable, i)
        org_amount = ctx.value(p.variable, i) if rule.cap else 0.0
        items: list[tuple[int, str]] = []
        near: list[ProvisionResult] = []
        values = per.tolist()
        for k, e in enumerate(evs):
            path = next((x for x in rule.paths if _path_matches(x, e, row)), None)
            if path is None:
                continue
            label = ctx.event_label(e)
            if values[k] > 0:
                if path.times_amount:
                    rate = ctx.on(path.param, e["date"]) or 0.0
                    ratio = f"{rate:g}（1:{rate:g} 配套）" if p.form == "matching" else pct(rate)
                    text = f"{label}：{rule.base_label} {wan(e['amount'])} × {ratio} = {wan(per[k])}"
                else:
                    text = f"{label}：{'不超过 ' if p.is_ceiling else ''}{wan(per[k])}"
                items.append((k, text + ("（择优，需评审）" if p.is_ceiling else "")))
                continue
            if not ctx.window(rule, e["date"]) or ctx.on(path.param, e["date"]) is None:
                continue
            threshold = ctx.on(path.min_amount, e["date"]) if path.min_amount else None
            if path.quals and not any(row.get(q) for q in path.quals):
                missing = f"需为{path.quals_label}（当年有效）"
            elif (path.times_amount or path.min_amount) and not e.get("amount_given", True):
                missing = f"缺少{rule.base_label}（元），无法计算"
            elif threshold is not None and e["amount"] < threshold:
                missing = f"{rule.base_label} {wan_short_of(e['amount'], threshold)}，未达到 {wan(threshold)}"
            else:
                continue
            near.append(result(p, 0, "near", label, event_facts(e), missing=missing))
        caveats = [rule.caveat] if rule.caveat else None
        out: list[ProvisionResult] = []
        if items and rule.cap:
            total = float(sum(per[k] for k, _ in items))
            cap = ctx.params.cap_of_year(rule.cap, ctx.year) or 0.0
            over = total > org_amount + 1e-6
            text = "；".join(t for _, t in items) + (f"；合计 {wan(total)}，超过每家每年最高 {wan(cap)}，按上限计" if over
                                                     else f"；合计 {wan(total)}，未超过每家每年最高 {wan(cap)}")
            out.append(result(p, org_amount, "applies", text + cite(p), {"items": len(items)}, caveats=caveats))
        else:
            out.extend(result(p, float(per[k]), "applies", text + cite(p), event_facts(evs[k]), caveats=caveats)
                       for k, text in items)
        return out + near


@dataclass(frozen=True)
class AnnualCount:
    """An organisation-year reward for a count of the year at or above (``strictly``: above) a threshold parameter."""

    fact: str
    name: str  # what is counted, in words
    threshold: str  # parameter
    strictly: bool = False
    unit: str = "件"

    def candidates(self, p: Any, ctx: Context) -> np.ndarray:
        return ctx.positive(p.variable)

    def tally(self, p: Any, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        amount = ctx.org_values(p.variable)
        return ctx.one_per_org(amount > 0, amount)

    def explain(self, p: Any, ctx: Context, i: int) -> list[ProvisionResult]:
        amount = ctx.value(p.variable, i)
        if amount <= 0:
            return []
        row = ctx.row(i)
        count = row.get(self.fact)
        threshold = ctx.on(self.threshold, f"{ctx.year}-12-31") or 0
        text = (f"{ctx.year} 年{self.name} {count:g} {self.unit}，{'超过' if self.strictly else '达到'} {threshold:g} "
                f"{self.unit}{'以上' if not self.strictly else ''}：{'最高 ' if p.is_ceiling else ''}{wan(amount)}"
                f"{'（择优，需评审）' if p.is_ceiling else '（在原有政策资助基础上）'}{cite(p)}")
        return [result(p, amount, "applies", text, {self.fact: count})]


@dataclass(frozen=True)
class PerUnitCapped:
    """A reward per counted event with a yearly cap: '<what> N 家 × <unit> = <sum>，[未]超过每家每年 <cap> 上限'."""

    event_variable: str
    what: str
    cap: str  # parameter
    facts_key: str = "count"
    unit_word: str = "家"

    def candidates(self, p: Any, ctx: Context) -> np.ndarray:
        return ctx.with_positive_event(self.event_variable)

    def tally(self, p: Any, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        """One result (of the organisation's capped amount) where a counted event has an amount."""
        counted = np.flatnonzero(ctx.event_values(self.event_variable) > 0)
        return ctx.one_per_org(ctx.any_event(counted), ctx.org_values(p.variable))

    def explain(self, p: Any, ctx: Context, i: int) -> list[ProvisionResult]:
        per = ctx.per_event(self.event_variable, i)
        count = int((per > 0).sum())
        if not count:
            return []
        amount = ctx.value(p.variable, i)
        cap = ctx.params.cap_of_year(self.cap, ctx.year) or amount
        text = f"{self.what} {count} {self.unit_word} × {wan(per[per > 0][0])} = {wan(per.sum())}"
        text += (f"，超过每家每年 {wan(cap)}上限，按上限计" if amount < per.sum() - 1e-6
                 else f"，未超过每家每年 {wan(cap)}上限")
        return [result(p, amount, "applies", text, {self.facts_key: count})]


@dataclass(frozen=True)
class Custom:
    """An article that needs code of its own: ``explain(p, ctx, i)`` lives in the article's module, and beside it
    ``applies(p, ctx) -> (count, fen)``, the vectorised tally of its results with the status "applies" (see
    :meth:`tally`; without it the tally falls back on ``explain`` for each candidate).

    Candidates: organisations with an amount (``if_amount``), with an event of ``events`` ((kind, subjects) pairs), or
    in ``org_mask(ctx)``."""

    explain: Callable[[Any, Context, int], list[ProvisionResult]]
    events: tuple[tuple[str, tuple[str, ...]], ...] = ()
    org_mask: Callable[[Context], np.ndarray] | None = None
    if_amount: bool = True
    applies: Callable[[Any, Context], tuple[np.ndarray, np.ndarray]] | None = None

    def candidates(self, p: Any, ctx: Context) -> np.ndarray:
        mask = ctx.positive(p.variable) if self.if_amount else np.zeros(ctx.n, dtype=bool)
        if self.events:
            mask |= ctx.with_events(self.events)
        if self.org_mask is not None:
            mask |= self.org_mask(ctx)
        return mask

    def tally(self, p: Any, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        if self.applies is not None:
            return self.applies(p, ctx)
        count, cents = ctx.none()
        for i in np.flatnonzero(self.candidates(p, ctx)):
            for r in self.explain(p, ctx, int(i)):
                if r.status == "applies":
                    count[i] += 1
                    cents[i] += int(r.amount * 100)
        return count, cents


NOTHING = Custom(explain=lambda p, ctx, i: [], if_amount=False, applies=lambda p, ctx: ctx.none())


def explainer_of(p: Any, jurisdiction: Any) -> Any:
    """The provision's declared explanation; a table-driven rule or a per-event amount by default."""
    if p.explanation is not None:
        return p.explanation
    if p.variable in jurisdiction.rules:
        return RuleTable()
    return EventAmounts() if p.event_level else NOTHING


def tally(rows: Sequence[dict[str, Any]], arrays: dict[str, np.ndarray], year: int, tbs: Any,
          jurisdiction: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per provision with a result that applies, two int64 arrays over the organisations: how many of the provision's
    results have the status "applies" and the sum of their amounts in fen — what :func:`explain` gives, without a
    sentence (each explainer's vectorised ``tally``; ``rows`` are read only by a Custom article without ``applies``,
    so a lazy sequence costs nothing)."""
    ctx = Context(rows, arrays, year, tbs, jurisdiction)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for p in jurisdiction.provisions:
        count, cents = explainer_of(p, jurisdiction).tally(p, ctx)
        if count.any():
            out[p.id] = (count, cents)
    return out


def explain(rows: Sequence[dict[str, Any]], arrays: dict[str, np.ndarray], year: int, tbs: Any,
            jurisdiction: Any) -> list[list[ProvisionResult]]:
    """Per organisation, the applicable and nearly applicable provisions with their arithmetic (provision-major:
    a vectorised mask of candidates per provision, then sentences for those organisations only)."""
    ctx = Context(rows, arrays, year, tbs, jurisdiction)
    out: list[list[ProvisionResult]] = [[] for _ in range(ctx.n)]
    with without_cycle_collection():
        for p in jurisdiction.provisions:
            explainer = explainer_of(p, jurisdiction)
            mask = explainer.candidates(p, ctx)
            for i in np.flatnonzero(mask).tolist():
                got = explainer.explain(p, ctx, i)
                if got:
                    out[i].extend(got)
    return out


@contextlib.contextmanager
def without_cycle_collection():
    """The sentences make many small acyclic objects (results, their dicts and lists, rows), freed by reference
    counting; the cyclic collector, triggered by their number, would walk the whole heap again and again (a third of
    explain's time on a busy heap). Paused for the loop, restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
