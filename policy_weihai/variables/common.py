"""Inputs and helpers shared by the provisions: event facts, organisation facts, parameters at event dates."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.periods import YEAR
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation

NOT_IN_FORCE = np.nan


def at_dates(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    """The value of parameter ``path`` in force at each date (NaN where the document is not in force that day).

    Vectorised over the dates, so that an event of 2023-05-01 and one of 2023-08-01 in the same year read different
    documents. ``parameters`` is what openfisca hands a formula (the system's ``get_parameters_at_instant``) or a
    parameter tree. The leaf is found once per tree and path and its dated values are read for all dates at once
    (asking openfisca for the whole tree at each distinct date overflowed its 128-instant cache and rebuilt the tree
    thousands of times per simulation). A value of null closes the parameter (NaN from that day), as does a date
    before the first value or a path the tree does not have.
    """
    if len(dates) == 0:
        return np.zeros(0, dtype=float)
    dated = _dated_values(parameters, path)
    if dated is None:  # a tracing simulation or a parameter kind without dated values: ask openfisca date by date
        return _at_dates_per_day(parameters, dates, path)
    starts, values = dated
    if len(starts) == 0:
        return np.full(len(dates), NOT_IN_FORCE, dtype=float)
    days = np.asarray(dates).astype("datetime64[D]", copy=False).view(np.int64)
    # index 0: before the first value; k: the k-th value (1-based). A few comparisons beat a binary search.
    if len(starts) <= 4:
        index = (days >= starts[0]).astype(np.intp)
        for start in starts[1:]:
            index += days >= start
    else:
        index = np.searchsorted(starts, days, side="right")
    return values[index]


def _at_dates_per_day(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    """``at_dates`` through openfisca's parameters at each distinct date (tracing simulations and odd parameters)."""
    out = np.full(len(dates), NOT_IN_FORCE, dtype=float)
    days = np.asarray(dates).astype("datetime64[D]")
    for day in np.unique(days):
        try:
            node = parameters(str(day))
            for part in path.split("."):
                node = getattr(node, part)
            value = float(node)
        except ParameterNotFoundError:
            continue
        out[days == day] = value
    return out


#: parameter tree → path → (leaf, its values_list when read, start dates ascending, values as ``_dated_values``). Keyed
#: by the tree object, so a cloned system with overridden parameters (policy.services._system) has its own entries;
#: an entry is re-read when ``Parameter.update`` has replaced the leaf's values_list.
_DATED: weakref.WeakKeyDictionary[ParameterNode, dict[str, tuple[Parameter, list, np.ndarray, np.ndarray]]] = (
    weakref.WeakKeyDictionary())


def _tree(parameters: Any) -> ParameterNode | None:
    if isinstance(parameters, ParameterNode):
        return parameters
    owner = getattr(parameters, "__self__", None)
    if isinstance(owner, TaxBenefitSystem) and getattr(parameters, "__name__", "") == "get_parameters_at_instant":
        return owner.parameters
    return None


def _dated_values(parameters: Any, path: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The leaf's start dates (ascending, as days since 1970) and the values: NaN before the first start, then the
    value from each start (NaN where null); None when they cannot be read directly."""
    tree = _tree(parameters)
    if tree is None:
        return None
    entries = _DATED.get(tree)
    if entries is None:
        entries = _DATED[tree] = {}
    entry = entries.get(path)
    if entry is not None and entry[1] is entry[0].values_list:
        return entry[2], entry[3]
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, ParameterNode):
            return None
        node = node.children.get(part)
        if node is None:  # openfisca raises ParameterNotFoundError on every day: never in force
            return _NO_DATES, _NO_VALUES
    if not isinstance(node, Parameter):
        return None
    dated = sorted(node.values_list, key=lambda v: v.instant_str)
    starts = np.array([v.instant_str for v in dated], dtype="datetime64[D]").view(np.int64)
    values = np.array([NOT_IN_FORCE] + [NOT_IN_FORCE if v.value is None else float(v.value) for v in dated])
    entries[path] = (node, node.values_list, starts, values)
    return starts, values


_NO_DATES = np.zeros(0, dtype=np.int64)
_NO_VALUES = np.array([NOT_IN_FORCE])


def in_force(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    return ~np.isnan(at_dates(parameters, dates, path))


def value_or_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def _input(name: str, entity: Any, value_type: type, label: str, default: Any = None) -> type:
    attrs: dict[str, Any] = {"value_type": value_type, "entity": entity, "definition_period": YEAR, "label": label}
    if default is not None:
        attrs["default_value"] = default
    if value_type is str:
        attrs["max_length"] = 60
    return type(name, (Variable,), attrs)


event_kind = _input("event_kind", Event, str, "事件类别（registry RecognitionKind）")
event_subject = _input("event_subject", Event, str, "事项（平台类别、奖项、认定类别）")
event_level = _input("event_level", Event, str, "级别（city/provincial/national）")
event_grade = _input("event_grade", Event, str, "等次（特等奖/一等奖/二等奖/三等奖/青年奖）")
event_role = _input("event_role", Event, str, "角色（lead 牵头/第一完成单位，participant 参与）")
event_date = _input("event_date", Event, date, "发生日期", date(1970, 1, 1))
event_amount = _input("event_amount", Event, float, "金额（元）：上级奖金、合同支付额等", 0.0)
event_seller_local = _input("event_seller_local", Event, bool, "技术合同卖方为在威高校院所（未知按是，并提示核实）", True)
event_is_enterprise = _input("event_is_enterprise", Event, bool, "事件所属主体为企业", False)
event_contract_registered = _input("event_contract_registered", Event, bool,
                                   "技术合同已登记备案（未知按是，并提示核实）", True)
event_seller_is_institution = _input("event_seller_is_institution", Event, bool,
                                     "技术合同卖方为高校院所（未知按是，并提示核实）", True)
event_org_kind = _input("event_org_kind", Event, str, "事件所属主体类别（enterprise/research_institution/platform/service_provider）")

org_is_enterprise = _input("org_is_enterprise", Organisation, bool, "主体为企业", False)
org_is_service_provider = _input("org_is_service_provider", Organisation, bool, "主体为科技服务机构", False)
rd_expense = _input("rd_expense", Organisation, float, "当年研发投入（元）", 0.0)
rd_expense_prev = _input("rd_expense_prev", Organisation, float, "上年研发投入（元）", 0.0)
rd_active = _input("rd_active", Organisation, bool, "有研发活动", False)
above_designated_size = _input("above_designated_size", Organisation, bool, "规模以上企业", False)
is_high_tech_enterprise = _input("is_high_tech_enterprise", Organisation, bool, "国家高新技术企业（当年有效）", False)
is_tech_sme = _input("is_tech_sme", Organisation, bool, "国家科技型中小企业（当年入库）", False)
hte_certified = _input("hte_certified", Organisation, bool, "当年通过高新技术企业认定", False)
hte_first_certification = _input("hte_first_certification", Organisation, bool, "当年认定为首次认定（否则重新认定）", False)
hte_certified_on = _input("hte_certified_on", Organisation, date, "高新技术企业认定日期", date(1970, 1, 1))
sales_revenue_y0 = _input("sales_revenue_y0", Organisation, float, "当年销售收入（元）", 0.0)
sales_revenue_y1 = _input("sales_revenue_y1", Organisation, float, "上年销售收入（元）", 0.0)
sales_revenue_y3 = _input("sales_revenue_y3", Organisation, float, "三年前销售收入（元）", 0.0)
is_leading_tech_enterprise = _input("is_leading_tech_enterprise", Organisation, bool, "科技领军企业（当年有效）", False)
is_specialised_sme = _input("is_specialised_sme", Organisation, bool, "专精特新中小企业或小巨人（当年有效）", False)
invention_patents_granted = _input("invention_patents_granted", Organisation, float, "当年发明专利授权量（件）", 0.0)
agency_invention_patents = _input("agency_invention_patents", Organisation, float,
                                  "服务机构当年代理市内发明专利授权量（件）", 0.0)
org_region = _input("org_region", Organisation, str,
                    "注册地区划代码（GB/T 2260，或本市功能区代码；空：未说明，按本市主体）")

INPUTS = [event_kind, event_subject, event_level, event_grade, event_role, event_date, event_amount,
          event_is_enterprise, event_seller_local, event_contract_registered, event_seller_is_institution,
          org_is_enterprise, rd_expense, rd_expense_prev, rd_active, above_designated_size,
          is_high_tech_enterprise, is_tech_sme, hte_certified, hte_first_certification, hte_certified_on,
          sales_revenue_y0, sales_revenue_y1, sales_revenue_y3, event_org_kind, is_leading_tech_enterprise,
          is_specialised_sme, invention_patents_granted, agency_invention_patents, org_is_service_provider, org_region]


def in_place(population: Any, period: Any, place: str) -> np.ndarray | None:
    """Whether each organisation (or each event's organisation) is registered inside ``place`` (a region code of
    ``policy_weihai.reference``; an empty region is the city's own); None when all are (nothing to change)."""
    from policy_weihai.reference import REFERENCE

    org = population.simulation.populations["organisation"]
    raw = _stored(org, "org_region", period)
    memo = _memo(org)
    key = ("in_place", period, place, population.entity.is_person)
    hit = memo.get(key) if memo is not None else None
    if hit is not None and hit[0] is raw:  # once per simulation, period and place
        return hit[1]
    labels, codes = text_codes(org, "org_region", period)
    inside = REFERENCE.within(place)
    ok = np.array([label == "" or label in inside for label in labels.tolist()], dtype=bool)
    if ok.all():
        out = None
    else:
        ok = ok[codes]
        out = ok[org.members_entity_id] if population.entity.is_person else ok
    if memo is not None:
        memo[key] = (raw, out)
    return out


def only_in_place(formula: Any, place: str) -> Any:
    """``formula`` giving 0 to organisations (and their events) registered outside ``place``: the provision's
    jurisdiction (e.g. 我市 for the city's documents), declared on the provision, checked once for every rule."""
    takes_parameters = formula.__code__.co_argcount >= 3

    def guarded(population, period, parameters):
        out = formula(population, period, parameters) if takes_parameters else formula(population, period)
        ok = in_place(population, period, place)
        return out if ok is None else np.where(ok, out, 0)

    guarded.__name__ = getattr(formula, "__name__", "formula")
    return guarded


def year_end(period: Any) -> np.ndarray:
    return np.array([f"{period.start.year}-12-31"], dtype="datetime64[D]")


def txt(entity: Any, name: str, period: Any) -> np.ndarray:
    """A string input as a unicode array (openfisca stores ``str`` variables as fixed-width bytes), read-only.

    Converted once per simulation, entity, variable and period (see ``text_codes``).
    """
    cached = _text_entry(entity, name, period)
    if cached is None:
        return entity(name, period).astype(str)
    if cached[3] is None:
        text = cached[1][cached[2]]
        text.flags.writeable = False
        cached[3] = text
    return cached[3]


def text_codes(entity: Any, name: str, period: Any) -> tuple[np.ndarray, np.ndarray]:
    """A string input as its distinct values (unicode) and, per entity, the index of its value among them.

    Kept on the simulation beside the stored array it came from (made again only if a later ``set_input`` replaced
    that array), so each string input is decoded once per simulation and a test "is one of these values" costs an
    integer gather instead of string comparisons (see ``text_in``).
    """
    cached = _text_entry(entity, name, period)
    if cached is None:
        labels, codes = np.unique(entity(name, period).astype(str), return_inverse=True)
        return labels, codes.reshape(-1)
    return cached[1], cached[2]


def text_in(entity: Any, name: str, period: Any, values: Any) -> np.ndarray:
    """Whether a string input is one of ``values`` (a string or a collection of strings), per entity."""
    labels, codes = text_codes(entity, name, period)
    return _member(labels, values)[codes]


def _member(labels: np.ndarray, values: Any) -> np.ndarray:
    """Which of the (few) distinct values are among ``values``: a set test, cheaper than np.isin on small arrays."""
    wanted = {values} if isinstance(values, str) else set(values)
    if len(labels) > 256:
        return np.isin(labels, list(wanted))
    return np.array([label in wanted for label in labels.tolist()], dtype=bool)


def _text_entry(entity: Any, name: str, period: Any) -> list | None:
    """[stored array, distinct values as str, codes, text array or None], cached on the entity's simulation."""
    simulation = getattr(entity, "simulation", None)
    if simulation is None:
        return None
    cache = simulation.__dict__.setdefault("_text_cache", {})
    key = (getattr(getattr(entity, "entity", None), "key", None), name, period)
    hit = cache.get(key)
    if hit is not None:  # still the array openfisca holds? (read from the holder: cheaper than a calculate)
        try:
            if entity.get_holder(name).get_array(period) is hit[0]:
                return hit
        except Exception:  # noqa: BLE001 - not a plain population: read through openfisca below
            pass
    raw = entity(name, period)
    if not isinstance(raw, np.ndarray) or raw.ndim != 1:
        return None
    if hit is not None and hit[0] is raw:
        return hit
    cache[key] = entry = _text_entry_of(raw, *_factorize(raw))
    return entry


def _text_entry_of(raw: np.ndarray, labels: np.ndarray, codes: np.ndarray) -> list:
    text = labels.astype(str)
    width = max((len(x) for x in text.tolist()), default=1) or 1
    labels = text.astype(f"<U{width}")
    labels.flags.writeable = codes.flags.writeable = False
    return [raw, labels, codes, None]


def _text_if_decoded(entity: Any, name: str, period: Any, raw: np.ndarray) -> list | None:
    """The cached entry of string input ``name`` if it was decoded (or handed over as codes) for ``raw``, else None."""
    simulation = getattr(entity, "simulation", None)
    cache = simulation.__dict__.get("_text_cache") if simulation is not None else None
    hit = cache.get((getattr(getattr(entity, "entity", None), "key", None), name, period)) if cache else None
    return hit if hit is not None and hit[0] is raw else None


def set_text_input(simulation: Any, name: str, period: Any, labels: Any, codes: Any) -> None:
    """Set string input ``name`` from its distinct values ``labels`` and each entity's index among them ``codes``
    (what ``pandas.factorize`` or a categorical column gives). openfisca stores the strings as usual; the rules take
    the codes as they are instead of decoding the strings again (``text_codes``, ``select``)."""
    from openfisca_core import periods

    period = periods.period(period)
    variable = simulation.tax_benefit_system.get_variable(name, check_existence=True)
    codes = np.asarray(codes)
    if codes.ndim != 1 or (len(codes) and (codes.dtype.kind not in "iu" or codes.min() < 0)):
        raise ValueError(f"{name}: codes must be non-negative integers indexing the labels")
    stored = np.asarray(labels, dtype=object).astype(variable.dtype)  # as openfisca converts them
    simulation.set_input(name, period, stored[codes])
    population = simulation.get_variable_population(name)
    raw = population.get_holder(name).get_array(period)
    distinct, inverse = _factorize(stored)  # labels that are the same once stored count once
    small = np.uint8 if len(distinct) <= 256 else np.uint16 if len(distinct) <= 65536 else np.intp
    cache = simulation.__dict__.setdefault("_text_cache", {})
    cache[(population.entity.key, name, period)] = _text_entry_of(raw, distinct, inverse.astype(small)[codes])


_HASH_MULTIPLIERS = np.random.default_rng(20231113).integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)


#: Rows per block in ``_factorize``: its temporaries stay small (in cache, no fresh pages for the kernel to zero).
_BLOCK = 8192


def _factorize(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and codes of a fixed-width bytes array without sorting the strings: a hash of the bytes that
    are in use (values are zero-padded) groups them, and the grouping is checked exactly against the values (a hash
    collision falls back to sorting the strings). Block by block, so that a column of a million rows makes no
    temporary of its size."""
    n, width = len(raw), raw.dtype.itemsize
    if raw.dtype.kind != "S" or n == 0 or width == 0 or width > 4 * len(_HASH_MULTIPLIERS):
        labels, codes = np.unique(raw, return_inverse=True)
        return labels, codes.reshape(-1)
    data = np.ascontiguousarray(raw)
    multipliers = _HASH_MULTIPLIERS[: -(-width // 4)]
    hashes = np.empty(n, dtype=np.uint64)
    for start in range(0, n, _BLOCK):
        np.matmul(_words(data, start, start + _BLOCK), multipliers, out=hashes[start:start + _BLOCK])
    ordered = np.sort(hashes)  # few distinct values: fast
    distinct = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    codes = _hash_codes(distinct, hashes)
    first = np.empty(len(distinct), dtype=np.intp)
    first[codes] = np.arange(n)  # a row of each value
    representatives = _words(data[first], 0, len(first))
    for start in range(0, n, _BLOCK):  # each row equals its value's representative
        if not np.array_equal(representatives[codes[start:start + _BLOCK]], _words(data, start, start + _BLOCK)):
            labels, codes = np.unique(raw, return_inverse=True)
            return labels, codes.reshape(-1)
    return data[first], codes


def _words(data: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of a contiguous bytes array as 32-bit words (zero-padded to a multiple of 4 bytes)."""
    rows, width = data[start:stop], data.dtype.itemsize
    if width % 4 == 0:
        return rows.view(np.uint32).reshape(len(rows), width // 4)
    buffer = np.zeros((len(rows), -(-width // 4) * 4), dtype=np.uint8)
    buffer[:, :width] = rows.view(np.uint8).reshape(len(rows), width)
    return buffer.view(np.uint32)


def _hash_codes(distinct: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """The index in ``distinct`` (sorted) of each hash: a lookup table on the top bits where they tell the distinct
    hashes apart (a shift and a gather; codes as small integers), else a binary search."""
    k = len(distinct)
    for bits in range(max(4, int(k).bit_length() + 2), 21):
        top = distinct >> np.uint64(64 - bits)
        if len(np.unique(top)) == k:
            table = np.zeros(1 << bits, dtype=np.uint8 if k <= 256 else np.uint16 if k <= 65536 else np.intp)
            table[top.astype(np.intp)] = np.arange(k)
            codes = np.empty(len(hashes), dtype=table.dtype)
            shift = np.uint64(64 - bits)
            for start in range(0, len(hashes), _BLOCK):
                np.take(table, (hashes[start:start + _BLOCK] >> shift).astype(np.intp), out=codes[start:start + _BLOCK])
            return codes
    return np.searchsorted(distinct, hashes)


# ---------------------------------------------------------------- event selections, memoised per simulation
#
# A provision reads a few events out of many (most of a simulation's events are other kinds, and one per organisation
# is a placeholder). ``select`` finds them once per simulation and period: the kind column is decoded once (exactly,
# see ``_factorize``), the subject column once per kind and only on that kind's rows, the other string columns only on
# the rows already selected; a selection is kept on the simulation, so that the provisions that read the same events
# (A and B's restatements of an article, or the paths of one rule) find them again. Parameters are then read at the
# selected events' dates only and scattered into the result. Everything kept is checked against the array openfisca
# holds (a later ``set_input`` replacing an input makes it again).

_EMPTY = np.zeros(0, dtype=np.intp)
_EMPTY.flags.writeable = False
_TEXT_COLUMNS = (("subjects", "event_subject"), ("levels", "event_level"), ("grades", "event_grade"),
                 ("roles", "event_role"), ("org_kinds", "event_org_kind"))


def _memo(entity: Any) -> dict | None:
    simulation = getattr(entity, "simulation", None)
    if simulation is None:
        return None
    return simulation.__dict__.setdefault("_weihai_memo", {})


def _stored(entity: Any, name: str, period: Any) -> np.ndarray:
    """The array openfisca holds for ``name`` (read from the holder: cheaper than a calculate), else calculated."""
    try:
        raw = entity.get_holder(name).get_array(period)
    except Exception:  # noqa: BLE001 - not a plain population: read through openfisca below
        raw = None
    return entity(name, period) if raw is None else raw


def _values(values: Any) -> tuple[str, ...]:
    if not values:
        return ()
    return (values,) if isinstance(values, str) else tuple(values)


def _decoded(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (str) and codes of a string array."""
    if raw.dtype.kind not in "SU":
        raw = np.asarray(raw).astype(str)
    labels, codes = _factorize(raw)
    return labels.astype(str), codes


def _among(raw: np.ndarray, values: tuple[str, ...]) -> np.ndarray:
    """Whether each string (as openfisca stores them) is one of ``values``: a comparison per value for a few values,
    else through the distinct values."""
    if raw.dtype.kind != "S" or len(values) > 8:
        labels, codes = _decoded(raw)
        return _member(labels, values)[codes]
    out = np.zeros(len(raw), dtype=bool)
    for value in dict.fromkeys(values):
        try:
            out |= raw == value.encode("ascii")
        except UnicodeEncodeError:  # openfisca stores ASCII only: a value that is not cannot be held
            pass
    return out


def _kind_rows(event: Any, period: Any, kind: str) -> np.ndarray:
    """Indices (ascending) of the events of ``kind``; the kind column is decoded once per simulation."""
    raw = _stored(event, "event_kind", period)
    memo = _memo(event)
    entry = memo.get(("kind", period)) if memo is not None else None
    if entry is None or entry[0] is not raw:
        labels, codes = text_codes(event, "event_kind", period)
        entry = [raw, {label: k for k, label in enumerate(labels.tolist())}, codes, {}]
        if memo is not None:
            memo[("kind", period)] = entry
    rows = entry[3].get(kind)
    if rows is None:
        code = entry[1].get(kind)
        rows = _EMPTY if code is None else np.flatnonzero(entry[2] == code)
        rows.flags.writeable = False
        entry[3][kind] = rows
    return rows


def _subject_rows(event: Any, period: Any, kind: str, rows: np.ndarray, subjects: tuple[str, ...]) -> np.ndarray:
    """The events of ``kind`` (``rows``) whose subject is one of ``subjects``. The subjects of a kind's events are
    decoded once and grouped by value (ascending indices per value)."""
    raw = _stored(event, "event_subject", period)
    memo = _memo(event)
    key = ("subject", period, kind)
    entry = memo.get(key) if memo is not None else None
    if entry is None or entry[0] is not raw or entry[1] is not rows:
        decoded = _text_if_decoded(event, "event_subject", period, raw)
        labels, codes = (decoded[1], decoded[2][rows]) if decoded is not None else _decoded(raw[rows])
        order = np.argsort(codes, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(labels)))))
        groups = {}
        for k, label in enumerate(labels.tolist()):
            group = rows[order[bounds[k]:bounds[k + 1]]]
            group.flags.writeable = False
            groups[label] = group
        entry = (raw, rows, groups)
        if memo is not None:
            memo[key] = entry
    parts = [entry[2][subject] for subject in dict.fromkeys(subjects) if subject in entry[2]]
    if not parts:
        return _EMPTY
    return parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))


def select(event: Any, period: Any, kind: str, subjects: Any = (), levels: Any = (), grades: Any = (),
           roles: Any = (), org_kinds: Any = ()) -> np.ndarray:
    """Indices (ascending, read-only) of the events of ``kind`` whose subject, level, grade, role and owner's kind are
    each one of the values given (a string or a collection; empty: any). Kept on the simulation per period."""
    wanted = {"subjects": _values(subjects), "levels": _values(levels), "grades": _values(grades),
              "roles": _values(roles), "org_kinds": _values(org_kinds)}
    key = ("select", period, kind, *wanted.values())
    memo = _memo(event)
    raws = tuple(_stored(event, name, period) for field, name in (("kind", "event_kind"), *_TEXT_COLUMNS)
                 if field == "kind" or wanted[field])
    entry = memo.get(key) if memo is not None else None
    if entry is not None and len(entry[0]) == len(raws) and all(a is b for a, b in zip(entry[0], raws, strict=True)):
        return entry[1]
    rows = _kind_rows(event, period, kind)
    if wanted["subjects"] and len(rows):
        rows = _subject_rows(event, period, kind, rows, wanted["subjects"])
    for field, name in _TEXT_COLUMNS[1:]:
        if wanted[field] and len(rows):
            rows = rows[_among(_stored(event, name, period)[rows], wanted[field])]
    if rows.flags.writeable:
        rows.flags.writeable = False
    if memo is not None:
        memo[key] = (raws, rows)
    return rows


def org_at(event: Any, name: str, period: Any, rows: np.ndarray) -> np.ndarray:
    """Organisation variable ``name`` for the owners of the events ``rows`` (``event.organisation(name)[rows]``)."""
    population = event.simulation.get_variable_population(name)
    return population(name, period)[population.members_entity_id[rows]]


def held_any(event: Any, names: Any, period: Any, rows: np.ndarray) -> np.ndarray:
    """Whether the owner of each event ``rows`` holds any of the organisation booleans ``names``."""
    held = np.zeros(len(rows), dtype=bool)
    for name in names:
        held |= org_at(event, name, period, rows)
    return held


def scattered(count: int, rows: np.ndarray, values: Any) -> np.ndarray:
    """A result for ``count`` entities: ``values`` at ``rows``, 0 elsewhere."""
    out = np.zeros(count)
    if len(rows):
        out[rows] = values
    return out


def remember_support(event: Any, period: Any, name: str, result: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Note that event variable ``name``'s ``result`` is 0 outside ``rows`` (ascending, distinct), for ``sum_events``."""
    memo = _memo(event)
    if memo is not None:
        memo[("support", name, period)] = (result, rows)
    return result


def sum_events(org: Any, name: str, period: Any) -> np.ndarray:
    """``org.sum(org.members(name, period))``, adding only the events where the value may be non-zero (adding 0.0
    changes no sum, so the sums are the same to the bit)."""
    values = org.members(name, period)
    memo = _memo(org)
    support = memo.get(("support", name, period)) if memo is not None else None
    rows = support[1] if support is not None and support[0] is values else np.flatnonzero(values)
    return np.bincount(org.members_entity_id[rows], weights=values[rows], minlength=org.count)


def event_days(event: Any, period: Any) -> tuple[np.ndarray, np.ndarray]:
    """The events' dates: distinct days (ascending, datetime64[D]) and each event's index among them, kept on the
    simulation, so that a function of the date is computed once per distinct day."""
    raw = _stored(event, "event_date", period)
    memo = _memo(event)
    entry = memo.get(("days", period)) if memo is not None else None
    if entry is None or entry[0] is not raw:
        days = np.asarray(raw).astype("datetime64[D]", copy=False).view(np.int64)
        if len(days) == 0:
            distinct, inverse = days, np.zeros(0, dtype=np.intp)
        else:
            low, high = int(days.min()), int(days.max())
            if high - low <= 4 * len(days) + 4096:
                offsets = days - low
                present = np.bincount(offsets, minlength=high - low + 1) > 0
                distinct = np.flatnonzero(present) + low
                table = np.cumsum(present) - 1
                inverse = table[offsets]
            else:
                distinct, inverse = np.unique(days, return_inverse=True)
        entry = (raw, distinct.astype("datetime64[D]"), inverse.reshape(-1))
        if memo is not None:
            memo[("days", period)] = entry
    return entry[1], entry[2]


#: Award grades as ASCII codes (openfisca string storage is ASCII); the service maps the Chinese names.
GRADE_CODES = {"特等奖": "special", "一等奖": "first", "二等奖": "second", "三等奖": "third", "青年奖": "youth",
               "优秀": "excellent"}


# ---------------------------------------------------------------- table-driven event rules
#
# Many provisions are "an event of this kind/subject/level/grade, dated while the document is in force, gives this
# amount" (fixed, a ceiling, or a rate times the event amount), sometimes with a yearly cap per organisation. They
# are declared as ``Rule`` tables in doc_a / doc_b; ``rule_variables`` turns each into openfisca variables and the
# service (policy.services) reads the same table to explain the arithmetic in Chinese.


def b_in_force(parameters: Any, dates: np.ndarray) -> np.ndarray:
    """Whether 威政发〔2023〕5号 (B) is in force on each date (its parameters are dated 2023-07-13 to 2028-07-12)."""
    return in_force(parameters, dates, "b.art_09.rate")


def a_applies_where_b_silent(parameters: Any, dates: np.ndarray) -> np.ndarray:
    """An A provision B does not repeat: applies before B, after B, and during B only if a_survives_b."""
    survives = at_dates(parameters, dates, "interpretations.a_survives_b")
    if np.isnan(survives).any():  # as openfisca does for a day the interpretation does not cover
        day = str(np.asarray(dates).astype("datetime64[D]")[np.isnan(survives)][0])
        raise ParameterNotFoundError("interpretations.a_survives_b", day)
    return ~b_in_force(parameters, dates) | (survives != 0)


@dataclass(frozen=True)
class Path:
    """One way to qualify: the event's kind and subject (and optionally level, grade, role, the organisation's kind or
    qualifications) and the parameter giving the amount (or the rate, when ``times_amount``)."""

    param: str
    kind: str
    subjects: tuple[str, ...]
    levels: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    role: str = ""
    org_kinds: tuple[str, ...] = ()
    quals: tuple[str, ...] = ()  # organisation boolean inputs; any one suffices
    quals_label: str = ""  # the qualification in Chinese, for 'near' results
    times_amount: bool = False  # amount = event_amount × parameter (proportional / matching)
    min_amount: str = ""  # parameter: event_amount must be at least this (含)


@dataclass(frozen=True)
class Rule:
    """A table-driven provision. window: "b" (B's dated parameters), "a_replaced" (A, not while B is in force: B
    restates it), "a_silent" (A, while B is in force only under interpretation a_survives_b)."""

    paths: tuple[Path, ...]
    window: str = "b"
    cap: str = ""  # parameter of the yearly cap per organisation (then the per-event variable is NAME_event)
    base_label: str = "金额"  # what the event amount is, in Chinese
    caveat: str = ""


RULES: dict[str, Rule] = {}  # output variable name → rule (filled by rule_variables)


def window_ok(rule: Rule, parameters: Any, dates: np.ndarray) -> np.ndarray:
    if rule.window == "a_replaced":
        return ~b_in_force(parameters, dates)
    if rule.window == "a_silent":
        return a_applies_where_b_silent(parameters, dates)
    return np.ones(len(dates), dtype=bool)


def _rule_event_formula(rule: Rule, name: str):
    def formula(event, period, parameters):
        found = []
        for path in rule.paths:
            rows = select(event, period, path.kind, path.subjects, path.levels, path.grades, path.role,
                          path.org_kinds)
            if path.quals and len(rows):
                rows = rows[held_any(event, path.quals, period, rows)]
            if len(rows):
                found.append((path, rows))
        out = np.zeros(event.count)
        if not found:
            return remember_support(event, period, name, out, _EMPTY)
        dates, amount = event("event_date", period), event("event_amount", period)
        for path, idx in reversed(found):  # the first matching path wins
            d = dates[idx]
            value = value_or_zero(at_dates(parameters, d, path.param))
            if path.times_amount:
                value = amount[idx] * value
            ok = window_ok(rule, parameters, d)
            if path.min_amount:
                threshold = at_dates(parameters, d, path.min_amount)
                ok &= ~np.isnan(threshold) & (amount[idx] >= np.where(np.isnan(threshold), 0.0, threshold) - 1e-9)
            out[idx] = np.where(ok, value, 0.0)
        rows = found[0][1] if len(found) == 1 else np.unique(np.concatenate([idx for _, idx in found]))
        return remember_support(event, period, name, out, rows)
    return formula


def yearly_cap(parameters: Any, period: Any, cap_path: str) -> float:
    """The yearly cap in force on 31 December; for the year a document expires, the cap of its last day in force."""
    day = year_end(period)
    cap = at_dates(parameters, day, cap_path)[0]
    if np.isnan(cap):
        cap = last_value_on_or_before(parameters, day[0], cap_path)
    return float(cap)


def last_value_on_or_before(parameters: Any, day: np.datetime64, path: str) -> float:
    """The value the parameter last had in force on or before ``day`` (NaN if it never was), read from its own dated
    values, so that no document's end date is written here."""
    dated = _dated_values(parameters, path)
    if dated is None:  # not a parameter tree openfisca lets us read directly: ask day by day for its start dates
        from policy_weihai.documents import DOCUMENTS

        ends = sorted(d.window_to for d in DOCUMENTS.values() if d.window_to and d.window_to <= str(day))
        return at_dates(parameters, np.array(ends[-1:] or [str(day)], dtype="datetime64[D]"), path)[0]
    starts, values = dated
    k = int(np.searchsorted(starts, np.datetime64(day, "D").astype(np.int64), side="right"))
    while k > 0 and np.isnan(values[k]):
        k -= 1
    return float(values[k])


def rule_variables(name: str, label: str, reference: Any, rule: Rule) -> list[type]:
    """The openfisca variables of a table-driven provision: per event, and (with a cap) per organisation-year."""
    RULES[name] = rule
    event_name = f"{name}_event" if rule.cap else name
    per_event = type(event_name, (Variable,), {
        "value_type": float, "entity": Event, "definition_period": YEAR, "reference": reference,
        "label": label + ("（单笔，未计年度上限）" if rule.cap else ""), "formula": _rule_event_formula(rule, event_name)})
    if not rule.cap:
        return [per_event]

    def capped(org, period, parameters):
        total = sum_events(org, event_name, period)
        cap = yearly_cap(parameters, period, rule.cap)
        return total if np.isnan(cap) else np.minimum(total, cap)

    per_org = type(name, (Variable,), {
        "value_type": float, "entity": Organisation, "definition_period": YEAR, "reference": reference,
        "label": label, "formula": capped})
    return [per_event, per_org]
