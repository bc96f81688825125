"""The year's facts in columns: what the engine needs about many organisations, and the one reduction that makes them.

Two readers hand raw facts to ``reduce_year`` (qualifications in force, the high-tech certification of the year, the
yearly facts of the year and the years before, the year's recognitions with their codes, roles and the contract's
seller): ``load(org_ids, year)`` reads the registry — organisations, qualifications, recognitions (with the lead role
of their platform), yearly facts and the events of ``settings.POLICY_EVENT_SOURCES`` — with COPY on PostgreSQL, one
SELECT per table on SQLite, and no per-organisation dict or ORM object; ``policy.services.situation_facts`` checks
situations typed by hand (the API, the calculator, the command line) and hands them over as a batch of rows, so a
single situation goes through the same columnar code as one row. ``Facts.row(i)`` gives organisation i as a dict (for
the explanations, which read only some organisations); ``Facts.from_rows`` turns such dicts back into columns.

An event source is a function ``f(org_ids, situations)`` that adds recognitions to situation dicts (the form that
``evaluate_organization`` uses). For screening it may also offer ``f.replaces(kind, subject) -> bool`` (the registry
recognitions it stands in for) — without it, no registry recognition is replaced — and ``f.columns(org_ids, year)``,
a list of recognition dicts with an ``organization_id`` (events of other years may be included); without
``columns`` the dict form is called on empty situations. Their recognitions are checked as a situation's are.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Organisation-level float facts (NaN: not known) and booleans, in the order of normalise_situation's dict.
FLOATS = ("rd_expense", "rd_expense_prev", "sales_revenue_y0", "sales_revenue_y1", "sales_revenue_y3",
          "invention_patents_granted", "agency_invention_patents", "employees", "operating_revenue", "total_assets")
#: Organisation-level codes ("" : not stated): the industry of the size standard and a declared size.
TEXTS = ("industry_sector", "sme_size")
BOOLS = ("is_high_tech_enterprise", "is_tech_sme", "above_designated_size", "hte_certified",
         "is_leading_tech_enterprise", "is_specialised_sme", "hte_first_certification", "rd_active")
#: Event columns: strings, then booleans (amount and date apart).
EVENT_STRINGS = ("kind", "subject", "level", "grade", "role", "title")
EVENT_BOOLS = ("amount_given", "seller_local", "seller_known", "registered", "seller_is_institution")

#: A row's keys after kind and region (normalise_situation's order), and an event's keys.
_ROW_ORDER = ("is_high_tech_enterprise", "is_tech_sme", "above_designated_size", "hte_certified",
              "is_leading_tech_enterprise", "is_specialised_sme", "hte_first_certification", "hte_certified_on",
              "rd_expense", "rd_expense_prev", "rd_active", "sales_revenue_y0", "sales_revenue_y1", "sales_revenue_y3",
              "invention_patents_granted", "agency_invention_patents", "employees", "operating_revenue",
              "total_assets", "industry_sector", "sme_size")
_EVENT_KEYS = ("kind", "subject", "level", "grade", "role", "date", "amount", "title", "amount_given",
               "seller_local", "seller_known", "registered", "seller_is_institution")


def _dates_or_none(values: np.ndarray) -> list[dt.date | None]:
    """datetime64[D] as datetime.date (NaT → None)."""
    return values.astype(object).tolist()


@dataclass
class Facts:
    """One year's facts: arrays over organisations and over their events (grouped by organisation, in order)."""

    year: int
    ids: np.ndarray  # organisation ids (int64); positions are the organisations' indexes
    kind: np.ndarray  # object
    region: np.ndarray  # object (the situation's region code, "" for registry rows)
    floats: dict[str, np.ndarray]
    bools: dict[str, np.ndarray]
    hte_certified_on: np.ndarray  # datetime64[D], NaT when not certified that year
    owner: np.ndarray  # event → organisation index, non-decreasing
    events: dict[str, np.ndarray]  # EVENT_STRINGS (object), EVENT_BOOLS, "amount" (float), "date" (datetime64[D])
    texts: dict[str, np.ndarray] | None = None  # TEXTS (object); None: all ""
    _starts: np.ndarray | None = field(default=None, repr=False)
    _lists: dict[str, Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        texts = dict(self.texts or {})
        for name in TEXTS:
            if name not in texts:
                texts[name] = np.full(len(self.ids), "", dtype=object)
        self.texts = texts

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def starts(self) -> np.ndarray:
        """starts[i]:starts[i+1] are organisation i's events."""
        if self._starts is None:
            self._starts = np.searchsorted(self.owner, np.arange(self.n + 1), side="left")
        return self._starts

    def row(self, i: int) -> dict[str, Any]:
        """Organisation i as normalise_situation's dict (same keys, types and values)."""
        c = self._columns()
        out: dict[str, Any] = {"kind": c["kind"][i], "region": c["region"][i]}
        for name in _ROW_ORDER:
            out[name] = c[name][i]
        ev = c["events"]
        lo, hi = c["starts"][i], c["starts"][i + 1]
        out["events"] = [dict(zip(_EVENT_KEYS, values, strict=True)) for values in ev[lo:hi]]
        return out

    def _columns(self) -> dict[str, Any]:
        """The columns as Python lists (None for NaN and NaT), made once: a row is then read without numpy scalars.
        The columns are not changed once rows are read."""
        if self._lists is None:
            c: dict[str, Any] = {"kind": self.kind.tolist(), "region": self.region.tolist(),
                                 "starts": self.starts.tolist(), "hte_certified_on": _dates_or_none(self.hte_certified_on)}
            for name, values in self.floats.items():
                c[name] = [None if v != v else v for v in values.tolist()]  # NaN → None
            for name, values in self.bools.items():
                c[name] = values.tolist()
            for name, values in self.texts.items():
                c[name] = values.tolist()
            e = self.events
            columns = {name: e[name].tolist() for name in _EVENT_KEYS if name != "date"}
            columns["date"] = _dates_or_none(e["date"])
            c["events"] = list(zip(*(columns[name] for name in _EVENT_KEYS), strict=True))
            self._lists = c
        return self._lists

    def rows(self) -> Rows:
        return Rows(self)

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, Any]], year: int, ids: Sequence[int] | None = None) -> Facts:
        """Columns from normalise_situation's dicts (situations typed by hand; tests)."""
        n = len(rows)
        evs = [(i, e) for i, r in enumerate(rows) for e in r["events"]]
        events: dict[str, np.ndarray] = {name: np.array([e.get(name, "") for _, e in evs], dtype=object)
                                         for name in EVENT_STRINGS}
        for name in EVENT_BOOLS:
            events[name] = np.array([bool(e.get(name, True)) for _, e in evs], dtype=bool)
        events["amount"] = np.array([e["amount"] for _, e in evs], dtype=float)
        events["date"] = np.array([e["date"].isoformat() for _, e in evs], dtype="datetime64[D]")
        return cls(
            year=year, ids=np.asarray(ids if ids is not None else range(n), dtype=np.int64),
            kind=np.array([r["kind"] for r in rows], dtype=object),
            region=np.array([r.get("region", "") for r in rows], dtype=object),
            floats={name: np.array([np.nan if r.get(name) is None else float(r[name]) for r in rows], dtype=float)
                    for name in FLOATS},
            bools={name: np.array([bool(r.get(name)) for r in rows], dtype=bool) for name in BOOLS},
            texts={name: np.array([r.get(name) or "" for r in rows], dtype=object) for name in TEXTS},
            hte_certified_on=np.array([r["hte_certified_on"].isoformat() if r.get("hte_certified_on") else "NaT"
                                       for r in rows], dtype="datetime64[D]"),
            owner=np.array([i for i, _ in evs], dtype=np.int64), events=events)


class Rows(Sequence):
    """Lazy list of normalise_situation dicts: row i is made from the columns when it is asked for."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._cache: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return self.facts.n

    def __getitem__(self, i: int) -> dict[str, Any]:  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        row = self._cache.get(i)
        if row is None:
            row = self._cache[i] = self.facts.row(i)
        return row


# ---------------------------------------------------------------- reading

#: A batch whose ids fill at least this share of their range [min, max] is read by range (``id BETWEEN``: index
#: range scans, no id list for the planner to read) and the organisations outside the batch are dropped here;
#: a sparse batch (a region, a pasted list) is read by its id list.
DENSE = 0.5


class _Batch:
    """The organisations asked for, and how the queries select them."""

    def __init__(self, org_ids: Sequence[int]) -> None:
        self.wanted = np.asarray([int(i) for i in org_ids], dtype=np.int64)
        lo, hi = (int(self.wanted.min()), int(self.wanted.max())) if len(self.wanted) else (0, -1)
        self.dense = len(self.wanted) >= DENSE * (hi - lo + 1)
        self.params: dict[str, Any] = {"lo": lo, "hi": hi}
        if not self.dense:
            self.params["ids"] = "{" + ",".join(map(str, self.wanted.tolist())) + "}"

    def where(self, column: str) -> str:
        """The SQL condition that selects the batch's rows by ``column`` (an organisation id)."""
        return f"{column} BETWEEN %(lo)s AND %(hi)s" if self.dense else f"{column} = ANY(%(ids)s)"


def _read(sql: str, params: dict[str, Any], columns: list[str], floats: tuple[str, ...] = (),
          ints: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of a query as a frame: strings as str (None for NULL), ``floats`` as float64 (NaN for NULL), ``ints`` as
    int64 (never NULL), ``categories`` as strings without NULL that repeat (read once per distinct value), the rest
    as the backend gives them. ``%(ids)s`` is the id list as a PostgreSQL array literal ("{1,2,3}")."""
    from django.db import connection

    def dtype(c: str) -> Any:
        return float if c in floats else np.int64 if c in ints else "category" if c in categories else object

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pg = connection.connection
        sql = sql.replace("= ANY(%(ids)s)", "= ANY(%(ids)s::bigint[])")
        data = bytearray()
        with pg.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
            for block in copy:
                data += block
        if not data:
            return pd.DataFrame({c: pd.Series(dtype=float if c in floats else np.int64 if c in ints else object)
                                 for c in columns})
        frame = pd.read_csv(io.BytesIO(data), sep="\t", header=None, names=columns, quoting=3, na_values=["\\N"],
                            keep_default_na=False, dtype={c: dtype(c) for c in columns},
                            float_precision="round_trip", encoding="utf-8")
        # COPY's text format escapes backslashes and control characters; "\N" is NULL. Only where a backslash is
        # followed by anything else is there a value to undo.
        escaped = data.count(b"\\") != data.count(b"\\N")
        for c in columns:
            if c in floats or c in ints:
                continue
            if c in categories:
                frame[c] = frame[c].cat.categories.to_numpy(dtype=object)[frame[c].cat.codes.to_numpy()]
                continue
            col = frame[c].astype(object)
            col = col.where(col.notna(), None)
            if escaped:
                has = col.str.contains("\\", regex=False, na=False).to_numpy(dtype=bool)
                if has.any():
                    col = col.copy()
                    col[has] = [_unescape(v) for v in col[has]]
            frame[c] = col
        return frame
    sqlite_sql = sql.replace("= ANY(%(ids)s)", "IN (SELECT value FROM json_each(%(ids)s))")
    if "ids" in params:
        params = {**params, "ids": "[" + params["ids"][1:-1] + "]"}
    with connection.cursor() as cur:
        cur.execute(sqlite_sql, params)
        rows = cur.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for c in columns:
        frame[c] = (frame[c].astype(float) if c in floats else frame[c].astype(np.int64) if c in ints
                    else frame[c].astype(object))
    return frame


def _unescape(value: Any) -> Any:
    """PostgreSQL COPY text format's backslash escapes."""
    if not isinstance(value, str) or "\\" not in value:
        return value
    out, k = [], 0
    escapes = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    while k < len(value):
        ch = value[k]
        if ch == "\\" and k + 1 < len(value):
            nxt = value[k + 1]
            out.append(escapes.get(nxt, nxt))
            k += 2
        else:
            out.append(ch)
            k += 1
    return "".join(out)


def _map_unique(values: pd.Series, fn: Any, dtype: Any = object) -> np.ndarray:
    """fn applied once per distinct value (NULL → None); a few values (a situation's) one by one."""
    if len(values) <= 16:
        out = np.empty(len(values), dtype=dtype)
        out[:] = [fn(None if v is None or v != v else v) for v in values.tolist()]
        return out
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [fn(u) for u in uniques]
    none = fn(None)
    table = np.empty(len(mapped) + 1, dtype=dtype)
    table[:] = mapped + [none]
    return table[codes]  # code -1 picks the last entry (NULL)


def _dates(values: pd.Series) -> np.ndarray:
    """ISO dates ('2024-03-01', or date objects from SQLite) as datetime64[D]."""
    if not len(values):
        return np.array([], dtype="datetime64[D]")
    try:
        return values.to_numpy(dtype=object).astype("datetime64[D]")
    except (TypeError, ValueError):
        return np.array([str(v)[:10] for v in values], dtype="datetime64[D]")


@dataclass
class _Attrs:
    role: str
    seller_local: bool
    seller_known: bool
    registered: bool
    seller_is_institution: bool


def _attrs(text: Any) -> _Attrs:
    """What normalise_situation reads from a recognition's attributes (JSON text)."""
    attributes = (json.loads(text) if isinstance(text, str) else text) or {}
    from policy.services import _seller_located

    located = _seller_located(attributes.get("seller_located", ""))
    registered = attributes.get("registered")
    seller_kind = attributes.get("seller_kind", "")
    return _Attrs(role=attributes.get("role") or "", seller_local=located != "outside_jurisdiction",
                  seller_known=bool(located) and bool(seller_kind) and registered is not None,
                  registered=registered is not False, seller_is_institution=seller_kind in ("", "research_institution"))


def load(org_ids: Sequence[int], year: int) -> tuple[Facts, set[int]]:
    """The facts of ``year`` for the organisations that exist among ``org_ids`` (in that order), and the ids whose
    registry data the engine refuses (normalise_situation would raise: the caller takes the per-organisation path).

    Three queries: one row per organisation (kind, qualifications held, yearly facts, whether its data is refused),
    the year's high-tech certifications, and the year's recognitions."""
    from policy.services import (
        LEVELS,
        ORG_KINDS,
        QUALIFICATION_KINDS,
        RECOGNITION_KINDS,
        PolicyInputError,
        _event_sources,
        checked_recognitions,
    )

    batch = _Batch(org_ids)
    wanted = batch.wanted
    params = {**batch.params, "y0": dt.date(year, 1, 1), "y1": dt.date(year, 12, 31)}
    # One row per organisation: its kind, the yearly facts of this year, the year before and three years before, and
    # whether a qualification or recognition (of any year) is refused (read from partial indexes that hold only such
    # rows: see registry.models).
    yearly = {"rd_expense": ("rd_expense", "a"), "rd_expense_prev": ("rd_expense", "b"),
              "sales_revenue_y0": ("sales_revenue", "a"), "sales_revenue_y1": ("sales_revenue", "b"),
              "sales_revenue_y3": ("sales_revenue", "c"), "invention_patents_granted": ("invention_patents_granted", "a"),
              "employees_y0": ("employees", "a"), "employees_y1": ("employees", "b"),
              "total_assets_y0": ("total_assets", "a"), "total_assets_y1": ("total_assets", "b"),
              "rd_active": ("(CASE WHEN rd_active IS NULL THEN NULL WHEN rd_active THEN 1 ELSE 0 END)", "a")}
    # The declared size (企业规模) of the year, else of the year before (as the size standard's figures are read).
    declared = {"sme_size_y0": ("sme_size", "a"), "sme_size_y1": ("sme_size", "b")}
    yearly_sql = ", ".join(f"MAX(CASE WHEN year = %({y})s THEN {column} END) AS {name}"
                           for name, (column, y) in {**yearly, **declared}.items())
    orgs = _read(
        f"SELECT o.id, o.kind, g.code, o.industry_sector, {', '.join('a.' + k for k in (*yearly, *declared))}, "
        "q.q_bad, r.r_bad "
        "FROM registry_organization o LEFT JOIN registry_region g ON g.id = o.region_id "
        f"LEFT JOIN (SELECT organization_id, {yearly_sql} FROM registry_annualfacts "
        f"WHERE {batch.where('organization_id')} AND year IN (%(a)s, %(b)s, %(c)s) GROUP BY organization_id) a "
        "ON a.organization_id = o.id "
        "LEFT JOIN (SELECT DISTINCT organization_id, 1 AS q_bad FROM registry_qualification "
        f"WHERE {batch.where('organization_id')} AND ({refused_qualifications(QUALIFICATION_KINDS)})) q "
        "ON q.organization_id = o.id "
        "LEFT JOIN (SELECT DISTINCT organization_id, 1 AS r_bad FROM registry_recognition "
        f"WHERE {batch.where('organization_id')} AND ({refused_recognitions(RECOGNITION_KINDS, LEVELS)})) r "
        "ON r.organization_id = o.id "
        f"WHERE {batch.where('o.id')}",
        {**params, "a": year, "b": year - 1, "c": year - 3},
        ["id", "kind", "region", "industry_sector", *yearly, *declared, "q_bad", "r_bad"],
        floats=(*yearly, "q_bad", "r_bad"), ints=("id",), categories=("kind",))  # region: text (a
    # category column of numeric-looking codes alone would come back as integers)
    found = orgs["id"].to_numpy(dtype=np.int64)
    if batch.dense and len(found) != len(wanted):  # organisations of the range that the batch does not hold
        inside = np.isin(found, wanted)
        orgs, found = orgs[inside].reset_index(drop=True), found[inside]
    ids = wanted[np.isin(wanted, found)]
    index = pd.Index(ids)
    n = len(ids)
    opos = index.get_indexer(found)
    kind = np.empty(n, dtype=object)
    kind[opos] = orgs["kind"].to_numpy()
    region = np.full(n, "", dtype=object)
    region[opos] = [str(code) for code in orgs["region"].tolist()]

    # Data the engine refuses (any year): the caller evaluates those organisations one by one, as before.
    refused = ~np.isin(kind, list(ORG_KINDS))
    refused[opos] |= (orgs["q_bad"].to_numpy(dtype=float) > 0) | (orgs["r_bad"].to_numpy(dtype=float) > 0)
    bad: set[int] = set(ids[refused].tolist())

    # The yearly facts by years before (0: the year): as the reduction reads them.
    yearly_facts = {}
    for name, (column, which) in yearly.items():
        values = np.full(n, np.nan)
        values[opos] = orgs[name].to_numpy(dtype=float)
        fact = "rd_active" if name == "rd_active" else column
        yearly_facts[(fact, {"a": 0, "b": 1, "c": 3}[which])] = values

    # The qualifications in force in the year (on PostgreSQL an index-only read).
    quals = _read("SELECT organization_id, id, kind, valid_from, valid_to, certification FROM registry_qualification "
                  f"WHERE {batch.where('organization_id')} AND valid_to >= %(y0)s AND valid_from <= %(y1)s "
                  "AND valid_to >= valid_from", params, ["org", "order", "kind", "valid_from", "valid_to",
                                                           "certification"],
                  ints=("org", "order"), categories=("kind", "certification"))
    quals["pos"] = index.get_indexer(quals["org"].to_numpy(dtype=np.int64))

    # Recognitions of the year, newest first per organisation (the registry's order), the lead role from platforms.
    # The lead role is looked up in the batch's own lead memberships (a join would make PostgreSQL hash the whole
    # membership table for every batch).
    recs = _read(
        "SELECT organization_id, kind, subject, level, grade, occurred_on, amount, title, attributes, platform_id "
        f"FROM registry_recognition WHERE {batch.where('organization_id')} AND occurred_on >= %(y0)s "
        "AND occurred_on <= %(y1)s ORDER BY organization_id, occurred_on DESC, id DESC",
        params, ["org", "kind", "subject", "level", "grade", "occurred_on", "amount", "title", "attributes", "platform"],
        floats=("amount", "platform"), ints=("org",))
    with_platform = recs["platform"].notna().to_numpy(dtype=bool)
    lead = np.zeros(len(recs), dtype=bool)
    if with_platform.any():
        leads = _read("SELECT organization_id, platform_id FROM registry_platformmembership "
                      f"WHERE {batch.where('organization_id')} AND role = 'lead'", params, ["org", "platform"],
                      ints=("org", "platform"))
        pairs = set(zip(leads["org"].tolist(), leads["platform"].tolist(), strict=True))
        where = np.flatnonzero(with_platform)
        orgs_of = recs["org"].to_numpy(dtype=np.int64)[where].tolist()
        platforms_of = recs["platform"].to_numpy(dtype=float)[where].astype(np.int64).tolist()
        lead[where] = [pair in pairs for pair in zip(orgs_of, platforms_of, strict=True)]
    recs["role"] = np.where(lead, "lead", "").astype(object)
    recs["pos"] = index.get_indexer(recs["org"].to_numpy(dtype=np.int64))
    keep = recs["pos"].to_numpy() >= 0
    sources = _event_sources()
    if len(recs):
        for source in sources:
            replaces = getattr(source, "replaces", None)
            if replaces is not None:
                pairs = recs["kind"].astype(str) + "|" + recs["subject"].astype(str)
                keep &= ~_map_unique(pairs, lambda v, r=replaces: v is not None and r(*v.split("|", 1)), bool)
    if not keep.all():
        recs = recs[keep].reset_index(drop=True)
    recs["block"] = 0

    # Events kept by other apps (loans, insurance…): few, checked as a situation's recognitions are, then reduced
    # with the registry's.
    extra: dict[int, list[dict]] = defaultdict(list)
    for source in sources:
        columns = getattr(source, "columns", None)
        if columns is not None:
            added = columns(ids.tolist(), year)
        else:
            stubs: dict[int, dict] = defaultdict(lambda: {"recognitions": []})
            source(ids.tolist(), stubs)
            added = [{**r, "organization_id": org} for org, s in stubs.items() for r in s["recognitions"]]
        for r in added:
            extra[int(r["organization_id"])].append({k: v for k, v in r.items() if k != "organization_id"})
    if extra:
        more = []
        for org, recognitions in extra.items():
            pos = index.get_loc(org)
            try:
                checked = checked_recognitions(recognitions, kind[pos], year, strict=False)
            except PolicyInputError:
                bad.add(org)
                continue
            more.extend({**r, "pos": pos, "block": 1} for r in checked)
        if more:
            recs = pd.concat([recs, pd.DataFrame(more)], ignore_index=True)
    # The industry of the size standard (the organisation's) and the declared size: codes, "" where not stated.
    texts = {name: np.full(n, "", dtype=object) for name in TEXTS}
    texts["industry_sector"][opos] = orgs["industry_sector"].fillna("").to_numpy(dtype=object)
    now, before = (orgs[c].fillna("").to_numpy(dtype=object) for c in declared)
    texts["sme_size"][opos] = np.where(now != "", now, before)
    return reduce_year(year, ids, kind, region, texts, yearly_facts, quals, recs), bad


def _attributes_table(values: pd.Series) -> tuple[np.ndarray, list[_Attrs]]:
    """Codes and the attributes they stand for (JSON text from the registry, or dicts typed in a situation)."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes, [_attrs(a) for a in uniques] + [_attrs(None)]  # code -1 (NULL) picks the last
    except TypeError:  # dicts: one per event (a situation's few)
        items = values.tolist()
        return np.arange(len(items)), [_attrs(a) for a in items] + [_attrs(None)]


def reduce_year(year: int, ids: np.ndarray, kind: np.ndarray, region: np.ndarray, texts: dict[str, np.ndarray],
                yearly: dict[tuple[str, int], np.ndarray], quals: pd.DataFrame, recs: pd.DataFrame) -> Facts:
    """The one reduction of an organisation's facts to those of ``year`` — for registry rows (``load``) and for
    situations typed by hand (``Facts.from_situations``) alike:

    - qualifications (``pos``, ``order``, ``kind``, ``valid_from``, ``valid_to``, ``certification``): held when in
      force on a day of the year; the high-tech certification of the year is the latest one starting in it (by
      valid_from, then order);
    - yearly facts (``(fact, years before)`` → float per organisation, NaN unknown): the year's R&D expense and the
      year before's, sales of the year, the year before and three years before, the year's patents, rd_active where
      given (else whether the year's R&D expense is non-zero), the size standard's figures of the year else the year
      before (营业收入 read as the sales revenue);
    - recognitions (``pos``, ``block``, ``kind``, ``subject``, ``level``, ``grade``, ``occurred_on``, ``amount``,
      ``title``, ``attributes``, ``role``): those dated in the year, in their order (block 0 before block 1), the
      subject as a code (other), grades as codes, the role given or else the attributes', the contract's seller.
    """
    from policy.explain import GRADE_CODES, member

    n = len(ids)
    y0, y1 = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    qpos = quals["pos"].to_numpy(dtype=np.int64) if len(quals) else np.zeros(0, dtype=np.int64)
    qkind = quals["kind"].to_numpy(dtype=object) if len(quals) else np.zeros(0, dtype=object)
    qfrom, qto = _dates(quals["valid_from"]), _dates(quals["valid_to"])
    qin = (qpos >= 0) & (qto >= y0) & (qfrom <= y1) & (qto >= qfrom)
    held_kinds = {"is_high_tech_enterprise": ("high_tech_enterprise",), "is_tech_sme": ("tech_sme",),
                  "above_designated_size": ("above_designated_size",),
                  "is_leading_tech_enterprise": ("leading_tech_enterprise",),
                  "is_specialised_sme": ("specialised_sme", "little_giant")}
    bools = {}
    for name, kinds in held_kinds.items():
        bools[name] = np.zeros(n, dtype=bool)
        bools[name][qpos[qin & member(qkind, kinds)]] = True
    hte = np.flatnonzero(qin & (qkind == "high_tech_enterprise") & (qfrom >= y0))
    hte_on = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    hte_first = np.zeros(n, dtype=bool)
    if len(hte):
        hpos, hfrom, horder = qpos[hte], qfrom[hte], quals["order"].to_numpy(dtype=np.int64)[hte]
        order = np.lexsort((horder, hfrom, hpos))  # the last per organisation wins
        hte_on[hpos[order]] = hfrom[order]
        hte_first[hpos[order]] = quals["certification"].to_numpy(dtype=object)[hte][order] == "first_certification"
    bools["hte_certified"] = ~np.isnat(hte_on)
    bools["hte_first_certification"] = hte_first

    def fact(name: str, before: int) -> np.ndarray:
        values = yearly.get((name, before))
        return np.full(n, np.nan) if values is None else np.asarray(values, dtype=float)

    def either(name: str) -> np.ndarray:
        now = fact(name, 0)
        return np.where(np.isnan(now), fact(name, 1), now)

    floats = {"rd_expense": fact("rd_expense", 0), "rd_expense_prev": fact("rd_expense", 1),
              "sales_revenue_y0": fact("sales_revenue", 0), "sales_revenue_y1": fact("sales_revenue", 1),
              "sales_revenue_y3": fact("sales_revenue", 3),
              "invention_patents_granted": fact("invention_patents_granted", 0),
              "agency_invention_patents": fact("agency_invention_patents", 0), "employees": either("employees"),
              "operating_revenue": either("sales_revenue"), "total_assets": either("total_assets")}
    active = fact("rd_active", 0)
    bools["rd_active"] = np.where(np.isnan(active), np.nan_to_num(floats["rd_expense"]) != 0, active > 0)

    dates = _dates(recs["occurred_on"])
    ryear = (recs["pos"].to_numpy(dtype=np.int64) >= 0) & (dates >= y0) & (dates <= y1) if len(recs) else (
        np.zeros(0, dtype=bool))
    if not ryear.all():
        recs, dates = recs[ryear].reset_index(drop=True), dates[ryear]
    codes = set(GRADE_CODES) | set(GRADE_CODES.values())
    attr_codes, attrs = _attributes_table(recs["attributes"]) if len(recs) else (np.zeros(0, dtype=np.intp), [])
    amount = recs["amount"].to_numpy(dtype=float) if len(recs) else np.zeros(0)
    given_role = (recs["role"].fillna("").astype(str).to_numpy(dtype=object) if len(recs)
                  else np.zeros(0, dtype=object))
    events: dict[str, np.ndarray] = {
        "kind": recs["kind"].to_numpy(dtype=object) if len(recs) else np.zeros(0, dtype=object),
        "subject": _map_unique(recs["subject"], lambda s: s if str(s).isascii() else "other"),
        "level": _map_unique(recs["level"], lambda v: v or ""),
        "grade": _map_unique(recs["grade"], lambda g: GRADE_CODES.get(g, g) if g in codes else ""),
        "role": (np.where(given_role != "", given_role, _attr_column(attrs, attr_codes, "role", object)).astype(object)
                 if len(recs) else np.zeros(0, dtype=object)),
        "title": _map_unique(recs["title"], lambda t: t or ""),
        "date": dates,
        "amount": np.nan_to_num(amount),
        "amount_given": ~np.isnan(amount),
    }
    for name in ("seller_local", "seller_known", "registered", "seller_is_institution"):
        events[name] = _attr_column(attrs, attr_codes, name, bool) if len(recs) else np.zeros(0, dtype=bool)
    owner = recs["pos"].to_numpy(dtype=np.int64) if len(recs) else np.zeros(0, dtype=np.int64)
    block = recs["block"].to_numpy(dtype=np.int64) if len(recs) else np.zeros(0, dtype=np.int64)
    if not _ordered(owner, block):
        order = np.lexsort((block, owner))  # stable: registry events (in their order) first, then the sources'
        owner = owner[order]
        events = {name: values[order] for name, values in events.items()}
    return Facts(year=year, ids=np.asarray(ids, dtype=np.int64), kind=kind, region=region, floats=floats, bools=bools,
                 hte_certified_on=hte_on, owner=owner, events=events, texts=texts)


def _attr_column(attrs: list[_Attrs], codes: np.ndarray, name: str, dtype: Any) -> np.ndarray:
    table = np.empty(len(attrs), dtype=dtype)
    table[:] = [getattr(a, name) for a in attrs]
    return table[codes]


def _ordered(owner: np.ndarray, block: np.ndarray) -> bool:
    """Whether the events are already grouped by organisation in order (registry events before the sources')."""
    if len(owner) < 2:
        return True
    d_owner, d_block = np.diff(owner), np.diff(block)
    return bool(np.all((d_owner > 0) | ((d_owner == 0) & (d_block >= 0))))


def refused_qualifications(kinds: Any) -> str:
    """SQL: a qualification the engine refuses (dates reversed, a kind it does not know). Written as the condition of
    the partial index ``registry_qu_refused_idx`` is, so that PostgreSQL reads that (normally empty) index."""
    return f"valid_to < valid_from OR NOT (kind IN ({_sql_list(kinds)}))"


def refused_recognitions(kinds: Any, levels: Any) -> str:
    """SQL: a recognition the engine refuses (a negative amount, a kind or level it does not know); the condition of
    the partial index ``registry_re_refused_idx``."""
    return (f"amount < 0 OR NOT (kind IN ({_sql_list(kinds)})) "
            f"OR NOT (level IN ({_sql_list(set(levels) - {''})}, ''))")


def _sql_list(values: Any) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))
