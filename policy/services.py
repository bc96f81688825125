"""The one door to the policy engine: web pages, REST API, command line and batch jobs all call these functions.

Facts (a situation dict or registry rows) → openfisca simulation (the jurisdiction package) → per-provision results with the
citation, the arithmetic in Chinese, the interpretations relied on and the caveats.

Situation shape (the registry's vocabulary)::

    {"kind": "enterprise", "region": "371002",
     "qualifications": [{"kind": "high_tech_enterprise", "valid_from": "2024-05-01", "valid_to": "2026-12-31",
                         "certification": "first_certification"}],
     "recognitions": [{"kind": "platform_approval", "subject": "technology_innovation_center", "level": "national",
                       "occurred_on": "2024-03-01", "amount": null, "role": "lead", "grade": ""}],
     "annual_facts": {"2024": {"rd_expense": "5000000", "sales_revenue": "80000000", "rd_active": true}}}
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.conf import settings
from openfisca_core import periods
from openfisca_core.simulations import SimulationBuilder

from policy.catalogue import BY_ID, INTERPRETATIONS, PROVISIONS, Provision
from policy.explain import GRADE_CODES, ProvisionResult, pct, wan, yuan
from policy.explain import explain as explain_arrays
from policy.facts import Facts
from policy.jurisdiction import current

__all__ = ["ORG_KINDS", "EvaluationResult", "PolicyInputError", "ProvisionResult", "catalogue", "evaluate_many",
           "evaluate_organization", "evaluate_situation", "explain", "pct", "tunable_parameters", "wan", "yuan"]

ORG_KINDS = {"enterprise": "企业", "research_institution": "高校院所", "platform": "创新平台/载体",
             "service_provider": "科技服务机构", "region": "区市/开发区/乡镇（政府、管委）", "person": "个人"}
RECOGNITION_KINDS = {"platform_approval", "platform_evaluation", "award", "certification", "project", "talent",
                     "listing", "tech_contract", "financing", "standard", "other"}
QUALIFICATION_KINDS = {"tech_sme", "high_tech_enterprise", "gazelle", "unicorn", "leading_tech_enterprise",
                       "specialised_sme", "little_giant", "above_designated_size"}
LEVELS = {"", "city", "provincial", "national"}
ANNUAL_FIELDS = {"sales_revenue": "销售收入", "main_business_revenue": "主营业务收入", "rd_expense": "研发投入",
                 "rd_active": "有研发活动", "employees": "从业人员", "rd_staff": "研发人员",
                 "invention_patents_granted": "发明专利授权量", "high_tech_product_revenue": "高新技术产品收入",
                 "agency_invention_patents": "代理市内发明专利授权量（服务机构）", "total_assets": "资产总额",
                 "sme_size": "申报的企业规模（当年，缺当年取上年）"}
SITUATION_KEYS = {"kind", "region", "name", "id", "qualifications", "recognitions", "annual_facts", "industry_sector",
                  "sme_size"}
QUAL_KEYS = {"kind", "valid_from", "valid_to", "certification", "level", "year", "certificate_no"}
REC_KEYS = {"kind", "subject", "level", "grade", "occurred_on", "amount", "role", "title", "attributes", "reference"}
#: Event kinds whose provisions accept only some organisation kinds (strict situations raise on a mismatch).
EVENT_KIND_ACCEPTS = {"tech_contract": ("enterprise",)}
BATCH = 10000  # organisations per simulation (parameters are looked up once per batch and date)


class PolicyInputError(ValueError):
    """Bad input: names the field and the fix, in Chinese."""


@dataclass
class EvaluationResult:
    subject: str
    period: str
    results: list[ProvisionResult]

    @property
    def applicable(self) -> list[ProvisionResult]:
        return [r for r in self.results if r.status == "applies"]

    @property
    def total_fixed(self) -> Decimal:
        return sum((r.amount for r in self.applicable if not r.is_ceiling), Decimal(0))

    @property
    def total_ceiling(self) -> Decimal:
        return sum((r.amount for r in self.applicable if r.is_ceiling), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "period": self.period, "total_fixed": str(self.total_fixed),
                "total_ceiling": str(self.total_ceiling), "results": [r.to_dict() for r in self.results]}


# ---------------------------------------------------------------- input checking


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise PolicyInputError(f"{where}：日期格式应为 YYYY-MM-DD（如 2024-03-01），收到 {value!r}。")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PolicyInputError(f"{where}：{value!r} 不是有效日期，请核对年月日。") from None


def _money(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PolicyInputError(f"{where}：应为数字（元），收到 {value!r}。") from None
    if not d.is_finite():
        raise PolicyInputError(f"{where}：应为有限数字（元），收到 {value!r}。")
    if d < 0:
        raise PolicyInputError(f"{where}：金额/数量不能为负数（收到 {value}），请填写 0 或正数。")
    return float(d)


def parse_period(period: str | int) -> int:
    text = str(period).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise PolicyInputError(f"period：期间应为四位年度（如 2024），收到 {period!r}。")
    year = int(text)
    if not 2018 <= year <= 2100:
        raise PolicyInputError(f"period：年度 {year} 超出范围，政策文件自 2018 年起生效，请填写 2018 年及以后的年度。")
    return year


def check_code(value: Any, where: str, vocabulary: str | None = None, blank: bool = True) -> str:
    """A code-valued input checked against the jurisdiction's vocabulary ``vocabulary`` (default: the field's last
    name); an unknown code is refused with the valid codes and their meaning."""
    if value is None or value == "":
        if blank:
            return ""
        value = ""
    codes = current().vocabulary.get(vocabulary or where.rsplit(".", 1)[-1])
    if codes is None:
        return str(value)
    if not isinstance(value, str) or value not in codes:
        valid = "、".join(f"{code}（{words}）" if words else code for code, words in codes.items())
        raise PolicyInputError(f"{where}：未知的代码 {value!r}；可用：{valid}。")
    return value


def _check_event_codes(r: dict[str, Any], attributes: Any, role: Any, where: str) -> None:
    """Strict situations: every code an event names is one the rules know (subject, role, the contract's seller)."""
    check_code(r.get("subject"), f"{where}.subject", blank=False)
    check_code(role, f"{where}.role")
    if not isinstance(attributes, dict):
        raise PolicyInputError(f"{where}.attributes：应为对象。")
    located = attributes.get("seller_located")
    if located not in (None, "") and not (isinstance(located, str) and located in current().vocabulary.get(
            "seller_located", {})):
        try:
            known = bool(check_region(located, f"{where}.attributes.seller_located"))
        except PolicyInputError:
            known = False
        if not known:
            codes = current().vocabulary.get("seller_located", {})
            valid = "、".join(f"{code}（{words}）" for code, words in codes.items())
            raise PolicyInputError(f"{where}.attributes.seller_located：未知的代码 {located!r}；可用：{valid}，"
                                   "或卖方注册地的区划代码（如 371002、370602）。")
    check_code(attributes.get("seller_kind"), f"{where}.attributes.seller_kind")
    if attributes.get("registered") not in (None, True, False):
        raise PolicyInputError(f"{where}.attributes.registered：应为 true、false 或不填，收到 {attributes['registered']!r}。")


def _seller_located(value: Any) -> str:
    """The seller's place: 'local' / 'outside_jurisdiction', or a region code read as one of them."""
    if not value or value in ("local", "outside_jurisdiction") or current().reference is None:
        return value or ""
    from policy.regions import describe

    known = describe(str(value), current().reference)
    if known is None:
        return value
    return "local" if known[0] else "outside_jurisdiction"


def check_region(code: Any, where: str) -> str:
    """A region code as the engine keeps it ('' when not stated): the jurisdiction's own codes or a GB/T 2260 code of
    a place outside it; anything else is refused with the valid codes."""
    from policy.regions import describe

    if code is None or code == "":
        return ""
    text = str(code).strip()
    reference = current().reference
    if reference is None:
        return text
    if describe(text, reference) is None:
        own = "、".join(f"{c} {name}" for c, name in reference.codes().items())
        raise PolicyInputError(f"{where}：未知的区划代码 {code!r}；应为本辖区的区划/功能区代码（{own}），"
                               "或辖区外的 GB/T 2260 六位行政区划代码（如 370602）。")
    return text


def normalise_situation(situation: dict, year: int, strict: bool = True) -> dict[str, Any]:
    """Check a situation and reduce it to the facts of ``year`` (an organisation row and its events): the columnar
    reduction (``policy.facts.reduce_year``) of one row, as the registry's rows are reduced."""
    return situation_facts([situation], year, strict).row(0)


def situation_facts(situations: Sequence[dict], year: int, strict: bool = True) -> Facts:
    """Situations checked (``PolicyInputError`` names the field) and reduced to the facts of ``year`` in columns, by
    the same code as the registry's rows (policy.facts)."""
    import pandas as pd

    from policy.facts import TEXTS, reduce_year

    n = len(situations)
    kinds, regions = np.empty(n, dtype=object), np.empty(n, dtype=object)
    texts = {name: np.empty(n, dtype=object) for name in TEXTS}
    yearly: dict[tuple[str, int], np.ndarray] = {}
    quals: list[dict[str, Any]] = []
    recs: list[dict[str, Any]] = []
    for i, situation in enumerate(situations):
        checked = check_situation(situation, year, strict)
        kinds[i], regions[i] = checked["kind"], checked["region"]
        for name in TEXTS:
            texts[name][i] = checked[name]
        for (name, before), value in checked["yearly"].items():
            yearly.setdefault((name, before), np.full(n, np.nan))[i] = value
        quals += [{**q, "pos": i} for q in checked["qualifications"]]
        recs += [{**r, "pos": i, "block": 0} for r in checked["recognitions"]]
    qcolumns = ["pos", "order", "kind", "valid_from", "valid_to", "certification"]
    rcolumns = ["pos", "block", "kind", "subject", "level", "grade", "occurred_on", "amount", "title", "attributes",
                "role"]
    return reduce_year(year, np.arange(n), kinds, regions, texts, yearly, pd.DataFrame(quals, columns=qcolumns),
                       pd.DataFrame(recs, columns=rcolumns))


#: the yearly facts a situation's annual_facts give the reduction: (fact, years before the year)
_YEARLY = (("rd_expense", 0), ("rd_expense", 1), ("sales_revenue", 0), ("sales_revenue", 1), ("sales_revenue", 3),
           ("invention_patents_granted", 0), ("agency_invention_patents", 0), ("employees", 0), ("employees", 1),
           ("total_assets", 0), ("total_assets", 1))


def check_situation(situation: Any, year: int, strict: bool = True) -> dict[str, Any]:
    """A situation's facts checked, as the reduction reads them (every date, amount and code; nothing reduced)."""
    if not isinstance(situation, dict):
        raise PolicyInputError("situation：应为 JSON 对象（字典）。")
    unknown = set(situation) - SITUATION_KEYS
    if unknown:
        raise PolicyInputError(f"situation.{sorted(unknown)[0]}：未知的事实字段；可用字段为 {', '.join(sorted(SITUATION_KEYS))}。")
    kind = situation.get("kind")
    if kind not in ORG_KINDS:
        raise PolicyInputError(f"kind：主体类别应为 {', '.join(ORG_KINDS)} 之一，收到 {kind!r}。")
    out: dict[str, Any] = {"kind": kind, "region": check_region(situation.get("region"), "region")}

    quals = []
    for i, q in enumerate(situation.get("qualifications") or []):
        where = f"qualifications[{i}]"
        if not isinstance(q, dict):
            raise PolicyInputError(f"{where}：应为对象。")
        if set(q) - QUAL_KEYS:
            raise PolicyInputError(f"{where}.{sorted(set(q) - QUAL_KEYS)[0]}：未知字段；可用字段为 {', '.join(sorted(QUAL_KEYS))}。")
        if q.get("kind") not in QUALIFICATION_KINDS:
            raise PolicyInputError(f"{where}.kind：未知资质 {q.get('kind')!r}；可用 {', '.join(sorted(QUALIFICATION_KINDS))}。")
        start, end = _date(q.get("valid_from"), f"{where}.valid_from"), _date(q.get("valid_to"), f"{where}.valid_to")
        if end < start:
            raise PolicyInputError(f"{where}.valid_to：有效期止不能早于有效期起。")
        if strict and q.get("certification"):
            check_code(q["certification"], f"{where}.certification")
        quals.append({"order": i, "kind": q["kind"], "valid_from": start, "valid_to": end,
                      "certification": q.get("certification", "first_certification")})
    out["qualifications"] = quals

    annual = situation.get("annual_facts") or {}
    if not isinstance(annual, dict):
        raise PolicyInputError("annual_facts：应为以年度为键的对象，如 {\"2024\": {\"rd_expense\": \"5000000\"}}。")
    by_year: dict[int, dict[str, Any]] = {}
    for key, row in annual.items():
        if not re.fullmatch(r"\d{4}", str(key)):
            raise PolicyInputError(f"annual_facts.{key}：键应为四位年度（如 2024）。")
        if not isinstance(row, dict):
            raise PolicyInputError(f"annual_facts.{key}：应为对象。")
        extra = set(row) - set(ANNUAL_FIELDS)
        if extra:
            raise PolicyInputError(f"annual_facts.{key}.{sorted(extra)[0]}：未知的年度事实；可用 {', '.join(ANNUAL_FIELDS)}。")
        clean: dict[str, Any] = {}
        for name, value in row.items():
            if name == "rd_active":
                if value not in (None, True, False):
                    raise PolicyInputError(f"annual_facts.{key}.rd_active：应为 true 或 false。")
                clean[name] = None if value is None else float(value)
            elif name == "sme_size":
                clean[name] = check_code(value, f"annual_facts.{key}.sme_size", "sme_size")
            else:
                clean[name] = _money(value, f"annual_facts.{key}.{name}")
        by_year[int(key)] = clean
    yearly = {(name, before): by_year.get(year - before, {}).get(name) for name, before in _YEARLY}
    yearly[("rd_active", 0)] = by_year.get(year, {}).get("rd_active")
    out["yearly"] = {key: value for key, value in yearly.items() if value is not None}
    out["industry_sector"] = check_code(situation.get("industry_sector"), "industry_sector")
    # A size declared for the situation, else for the year, else for the year before (as the registry keeps it).
    out["sme_size"] = (check_code(situation.get("sme_size"), "sme_size") or by_year.get(year, {}).get("sme_size")
                       or by_year.get(year - 1, {}).get("sme_size") or "")
    out["recognitions"] = checked_recognitions(situation.get("recognitions") or [], kind, year, strict)
    return out


def checked_recognitions(recognitions: Any, kind: str, year: int, strict: bool) -> list[dict[str, Any]]:
    """A situation's recognitions checked (raises PolicyInputError naming the field), each as the reduction reads it:
    kind, subject, level, grade, occurred_on (a date), amount (None: not given), title, attributes, role."""
    out = []
    for i, r in enumerate(recognitions):
        where = f"recognitions[{i}]"
        if not isinstance(r, dict):
            raise PolicyInputError(f"{where}：应为对象。")
        if set(r) - REC_KEYS:
            raise PolicyInputError(f"{where}.{sorted(set(r) - REC_KEYS)[0]}：未知字段；可用字段为 {', '.join(sorted(REC_KEYS))}。")
        if r.get("kind") not in RECOGNITION_KINDS:
            raise PolicyInputError(f"{where}.kind：未知事件类别 {r.get('kind')!r}；可用 {', '.join(sorted(RECOGNITION_KINDS))}。")
        level = r.get("level") or ""
        if level not in LEVELS:
            raise PolicyInputError(f"{where}.level：级别应为 city、provincial 或 national，收到 {level!r}。")
        grade = r.get("grade") or ""
        if grade and grade not in GRADE_CODES and grade not in GRADE_CODES.values():
            raise PolicyInputError(f"{where}.grade：等次应为 {'、'.join(GRADE_CODES)} 之一，收到 {grade!r}。")
        on = _date(r.get("occurred_on"), f"{where}.occurred_on")
        amount = _money(r.get("amount"), f"{where}.amount")
        accepts = EVENT_KIND_ACCEPTS.get(r["kind"])
        if strict and accepts and kind not in accepts:
            raise PolicyInputError(f"{where}.kind：{r['kind']} 相关条款只适用于 {'、'.join(ORG_KINDS[k] for k in accepts)}，"
                                   f"本主体类别为 {ORG_KINDS[kind]}。")
        attributes = r.get("attributes") or {}
        role = r.get("role") or ""
        if strict:
            _check_event_codes(r, attributes, role or attributes.get("role") or "", where)
        subject = str(r.get("subject") or "")
        if on.year == year and not subject.isascii():
            raise PolicyInputError(f"{where}.subject：事项应为代码（如 technology_innovation_center），收到 {subject!r}。")
        out.append({"kind": r["kind"], "subject": subject, "level": level, "grade": grade, "occurred_on": on,
                    "amount": amount, "title": r.get("title") or "", "attributes": attributes, "role": role})
    return out


# ---------------------------------------------------------------- the engine


def _interpretation_settings(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    chosen = {name: i.default for name, i in INTERPRETATIONS.items()}
    for source in (getattr(settings, "POLICY_INTERPRETATIONS", {}) or {}, extra or {}):
        for name, value in source.items():
            if name not in INTERPRETATIONS:
                raise PolicyInputError(f"interpretations.{name}：未知的解释口径；可用 {', '.join(INTERPRETATIONS)}。")
            if value not in INTERPRETATIONS[name].choices:
                raise PolicyInputError(f"interpretations.{name}：可选值为 {INTERPRETATIONS[name].choices}，收到 {value!r}。")
            chosen[name] = value
    return chosen


#: the reference data version read once for a whole page (see ``catalogue``), instead of once per parameter
_pinned_version: ContextVar[Any] = ContextVar("pinned_reference_version", default=None)


def _reference_version() -> Any:
    """The version of the reference data staff keep (see reference.store): a saved value gives a new system."""
    from reference.store import version

    return _pinned_version.get() or version()


def _base_system() -> Any:
    """The current jurisdiction's openfisca system (built once per jurisdiction and reference data version)."""
    return _built_system(current().name, _reference_version())


@functools.lru_cache(maxsize=4)
def _built_system(name: str, reference_version: Any = None) -> Any:
    return current().build_system()


def _param(node: Any, path: str) -> Any:
    for part in path.split("."):
        node = node.children.get(part) if hasattr(node, "children") else None
        if node is None:
            raise PolicyInputError(f"overrides.{path}：未知的政策参数路径；可调参数见 tunable_parameters()。")
    if hasattr(node, "children"):
        raise PolicyInputError(f"overrides.{path}：这是参数组而不是单个参数，请写到具体参数。")
    return node


def _bounds(param: Any) -> tuple[Decimal, Decimal]:
    unit = (param.metadata or {}).get("unit", "")
    if unit == "/1":
        return Decimal(0), Decimal(1)
    values = [v.value for v in param.values_list if v.value is not None]
    return Decimal(0), Decimal(str(max(values) * 10 if values else 0))


def _system(year: int, overrides: tuple[tuple[str, str], ...], interpretations: tuple[tuple[str, Any], ...]) -> Any:
    """The system with the overrides of one year and the chosen interpretations (cached per jurisdiction)."""
    return _system_of(current().name, _reference_version(), year, overrides, interpretations)


@functools.lru_cache(maxsize=64)
def _system_of(name: str, reference_version: Any, year: int, overrides: tuple[tuple[str, str], ...],
               interpretations: tuple[tuple[str, Any], ...]) -> Any:
    base = _built_system(name, reference_version)
    if not overrides and all(INTERPRETATIONS[n].default == v for n, v in interpretations):
        return base
    tbs = base.clone()
    for path, value in overrides:
        param = _param(tbs.parameters, path)
        starts = [v.instant_str for v in param.values_list if v.value is not None]
        start = max(f"{year}-01-01", min(starts))
        try:
            param(start)
            in_year = start <= f"{year}-12-31"
        except Exception:  # noqa: BLE001 - not in force on that day
            in_year = False
        if not in_year:
            raise PolicyInputError(f"overrides.{path}：该参数在 {year} 年不在有效期内，不能调整。")
        stop = f"{year}-12-31"
        end = [v.instant_str for v in param.values_list if v.value is None and v.instant_str > start]
        if end:
            stop = min(stop, (dt.date.fromisoformat(min(end)) - dt.timedelta(days=1)).isoformat())
        param.update(start=periods.instant(start), stop=periods.instant(stop), value=float(value))
    for name, value in interpretations:
        spec = INTERPRETATIONS[name]
        if spec.parameter:
            _param(tbs.parameters, spec.parameter).update(start=periods.instant("2018-01-01"), value=1 if value else 0)
    return tbs


def _check_overrides(overrides: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for path, raw in (overrides or {}).items():
        param = _param(_base_system().parameters, path)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise PolicyInputError(f"overrides.{path}：应为数字，收到 {raw!r}。") from None
        low, high = _bounds(param)
        if not value.is_finite() or value < low or value > high:
            raise PolicyInputError(f"overrides.{path}：取值应在 {low} 至 {high} 之间，收到 {raw}。")
        out.append((path, str(value)))
    return tuple(sorted(out))


ORG_FLOATS = ["rd_expense", "rd_expense_prev", "sales_revenue_y0", "sales_revenue_y1", "sales_revenue_y3",
              "invention_patents_granted", "agency_invention_patents"]
ORG_BOOLS = ["rd_active", "above_designated_size", "is_high_tech_enterprise", "is_tech_sme", "hte_certified",
             "hte_first_certification", "is_leading_tech_enterprise", "is_specialised_sme"]


def compute(rows: Sequence[dict[str, Any]] | Facts, year: int, tbs: Any) -> dict[str, np.ndarray]:
    """One vectorised openfisca simulation for many organisations; returns every provision variable's array.

    ``rows``: normalise_situation's dicts, or the same facts in columns (policy.facts.Facts, as screening reads them).
    """
    f = rows if isinstance(rows, Facts) else Facts.from_rows(rows, year)
    n = f.n
    owner = np.concatenate([f.owner, np.arange(n)])  # one placeholder event per organisation: every group has one
    m = len(owner)
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("event", [str(k) for k in range(m)])
    orgs = builder.declare_entity("organisation", [str(k) for k in range(n)])
    builder.join_with_persons(orgs, owner.astype(str), np.array(["event"] * m))
    sim = builder.build(tbs)
    period = periods.period(str(year))  # parsed once: openfisca parses a string period on every call
    ev = f.events
    placeholder = np.full(n, "", dtype=object)
    for name in ("kind", "subject", "level", "grade", "role"):
        sim.set_input(f"event_{name}", period, np.concatenate([ev[name], placeholder]))
    sim.set_input("event_date", period, np.concatenate([ev["date"], np.full(n, np.datetime64(f"{year}-01-01"))]))
    sim.set_input("event_amount", period, np.concatenate([ev["amount"], np.zeros(n)]))
    ones = np.ones(n, dtype=bool)
    sim.set_input("event_seller_local", period, np.concatenate([ev["seller_local"], ones]))
    sim.set_input("event_contract_registered", period, np.concatenate([ev["registered"], ones]))
    sim.set_input("event_seller_is_institution", period, np.concatenate([ev["seller_is_institution"], ones]))
    sim.set_input("event_org_kind", period, np.concatenate([f.kind[f.owner], placeholder]))
    is_ent = f.kind == "enterprise"
    sim.set_input("event_is_enterprise", period, np.concatenate([is_ent[f.owner], np.zeros(n, bool)]))
    sim.set_input("org_is_enterprise", period, is_ent)
    sim.set_input("org_is_service_provider", period, f.kind == "service_provider")
    # facts a jurisdiction's rules may read (where its system has the input): the place, the size standard's figures
    optional = {"org_region": f.region, "employees": f.floats["employees"],
                "operating_revenue": f.floats["operating_revenue"], "total_assets": f.floats["total_assets"],
                "industry_sector": f.texts["industry_sector"], "sme_size_declared": f.texts["sme_size"]}
    for name, values in optional.items():
        if name in tbs.variables:
            sim.set_input(name, period, values.astype(str) if values.dtype == object else values)
    for name in ORG_FLOATS:
        sim.set_input(name, period, np.nan_to_num(f.floats[name], nan=0.0))
    for name in ORG_BOOLS:
        sim.set_input(name, period, f.bools[name])
    sim.set_input("hte_certified_on", period, np.where(np.isnat(f.hte_certified_on), np.datetime64(f"{year}-01-01"),
                                                       f.hte_certified_on))
    out: dict[str, np.ndarray] = {"_owner": f.owner}
    for name in current().output_variables():
        out[name] = sim.calculate(name, period)
    out.update({n: a for n in tbs.variables if n not in out and (a := sim.get_array(n, period)) is not None})
    return out


# ---------------------------------------------------------------- explanations


def explain(rows: Sequence[dict[str, Any]], arrays: dict[str, np.ndarray], year: int,
            tbs: Any) -> list[list[ProvisionResult]]:
    """Per organisation, the applicable and nearly applicable provisions with their Chinese arithmetic (the
    jurisdiction's declared explanations, see policy.explain)."""
    return explain_arrays(rows, arrays, year, tbs, current())



# ---------------------------------------------------------------- public functions


def _evaluate_rows(rows: Sequence[dict] | Facts, year: int, overrides: dict | None,
                   interpretations: dict | None) -> list[list[ProvisionResult]]:
    """Results per organisation; ``rows`` may be columns (Facts): then the explanations get its lazy rows."""
    chosen = _interpretation_settings(interpretations)
    tbs = _system(year, _check_overrides(overrides), tuple(sorted(chosen.items())))
    arrays = compute(rows, year, tbs)
    results = explain(rows.rows() if isinstance(rows, Facts) else rows, arrays, year, tbs)
    _outside_places(rows, results, year, tbs)
    nondefault = [n for n, v in chosen.items() if v != INTERPRETATIONS[n].default]
    if nondefault:
        for lst in results:
            for r in lst:
                r.caveats.append("采用非默认解释口径：" + "、".join(nondefault))
    return results


def _outside_places(rows: Sequence[dict] | Facts, results: list[list[ProvisionResult]], year: int, tbs: Any) -> None:
    """Organisations registered outside where a provision applies (a known region outside the jurisdiction): the
    provision's amounts are 0 in the rules; here each result it would give them inside becomes 'not_applicable' with
    the reason, so the answer says why instead of saying nothing."""
    from policy.regions import describe

    j = current()
    if j.reference is None:
        return
    regions = (rows.region if isinstance(rows, Facts) else np.array([r.get("region", "") for r in rows], dtype=object))
    places = {j.place_of(p) for p in j.provisions}
    outside_codes = {code for code in set(regions.tolist())
                     if code and not all(code in j.reference.within(place) for place in places)}
    if not outside_codes:
        return
    outside = [i for i, code in enumerate(regions.tolist()) if code in outside_codes]
    listed = rows.rows() if isinstance(rows, Facts) else rows
    inside_rows = [{**listed[i], "region": ""} for i in outside]
    inside = explain(inside_rows, compute(inside_rows, year, tbs), year, tbs)
    order = {p.id: n for n, p in enumerate(j.provisions)}
    for k, i in enumerate(outside):
        code = regions[i]
        known = describe(code, j.reference)
        where = f"{known[1]}（{code}）" if known and known[1] else code
        kept = [r for r in results[i] if j.applies_in(BY_ID[r.provision_id], code)]
        for r in inside[k]:
            p = BY_ID[r.provision_id]
            if r.status in ("applies", "near") and not j.applies_in(p, code):
                place = j.region_name(j.place_of(p)) or j.label
                kept.append(ProvisionResult(
                    r.provision_id, r.title, r.document, r.article, r.form, r.is_ceiling, Decimal("0.00"),
                    "not_applicable", r.explanation,
                    f"{r.document} {r.article}只适用于{place}的主体：本主体注册地为{where}，不在{place}", r.facts_used,
                    r.interpretations, []))
        kept.sort(key=lambda r: order.get(r.provision_id, len(order)))
        results[i] = kept


def evaluate_situation(situation: dict, period: str, overrides: dict[str, Decimal] | None = None,
                       interpretations: dict[str, Any] | None = None) -> EvaluationResult:
    """Evaluate a situation (see the module docstring) for a year; raises PolicyInputError on bad input."""
    year = parse_period(period)
    results = _evaluate_rows(situation_facts([situation], year, strict=True), year, overrides, interpretations)[0]
    return EvaluationResult(str(situation.get("name") or situation.get("id") or "情形"), str(year), results)


def situation_from_organization(org: Any, facts_years: Iterable[int] | None = None) -> dict[str, Any]:
    """The registry's facts about one organisation as a situation."""
    return _situations([org])[org.id]


def _situations(orgs: list[Any]) -> dict[int, dict[str, Any]]:
    from registry.models import AnnualFacts, Organization, PlatformMembership, Qualification, Recognition

    ids = [o.id for o in orgs]
    regions = dict(Organization.objects.filter(id__in=[o.id for o in orgs]).values_list("id", "region__code"))
    sectors = dict(Organization.objects.filter(id__in=ids).values_list("id", "industry_sector"))
    out = {o.id: {"id": o.id, "name": o.name, "kind": o.kind, "region": regions.get(o.id) or "", "qualifications": [],
                  "recognitions": [], "annual_facts": {}} for o in orgs}
    for org_id, sector in sectors.items():
        if sector:  # the industry of the size standard, where the registry states it
            out[org_id]["industry_sector"] = sector
    for q in Qualification.objects.filter(organization_id__in=ids).values(
            "organization_id", "kind", "valid_from", "valid_to", "certification"):
        out[q.pop("organization_id")]["qualifications"].append(
            {**q, "valid_from": q["valid_from"].isoformat(), "valid_to": q["valid_to"].isoformat()})
    leads = set(PlatformMembership.objects.filter(organization_id__in=ids, role="lead").values_list(
        "organization_id", "platform_id"))
    for r in Recognition.objects.filter(organization_id__in=ids).values(
            "organization_id", "kind", "subject", "level", "grade", "occurred_on", "amount", "attributes", "title",
            "platform_id"):
        org_id = r.pop("organization_id")
        platform_id = r.pop("platform_id")
        if platform_id and (org_id, platform_id) in leads:
            r["role"] = "lead"
        grade = r["grade"] if r["grade"] in GRADE_CODES or r["grade"] in GRADE_CODES.values() else ""
        subject = r["subject"] if str(r["subject"]).isascii() else "other"
        out[org_id]["recognitions"].append({**r, "grade": grade, "subject": subject,
                                            "occurred_on": r["occurred_on"].isoformat(),
                                            "amount": None if r["amount"] is None else str(r["amount"]),
                                            "attributes": r["attributes"] or {}})
    for f in AnnualFacts.objects.filter(organization_id__in=ids).values(
            "organization_id", "year", "sales_revenue", "rd_expense", "rd_active", "invention_patents_granted",
            "employees", "total_assets", "sme_size"):
        row = out[f["organization_id"]]["annual_facts"][str(f["year"])] = {
            "sales_revenue": None if f["sales_revenue"] is None else str(f["sales_revenue"]),
            "rd_expense": None if f["rd_expense"] is None else str(f["rd_expense"]), "rd_active": f["rd_active"],
            "invention_patents_granted": f["invention_patents_granted"], "employees": f["employees"]}
        if f["total_assets"] is not None:  # the size standard's facts, only where stated (demo data has none)
            row["total_assets"] = str(f["total_assets"])
        if f["sme_size"]:
            row["sme_size"] = f["sme_size"]
    for source in _event_sources():
        source(ids, out)
    return out


@functools.cache
def _event_sources() -> tuple[Any, ...]:
    """Apps that keep qualifying events in records of their own (``POLICY_EVENT_SOURCES``: dotted paths of
    ``f(org_ids, situations)`` that add or replace recognitions), e.g. loans and insurance policies."""
    from django.utils.module_loading import import_string

    return tuple(import_string(path) for path in getattr(settings, "POLICY_EVENT_SOURCES", ()))


def evaluate_organization(org: Any, year: int, overrides: dict | None = None,
                          interpretations: dict | None = None) -> EvaluationResult:
    year = parse_period(year)
    results = _evaluate_rows(situation_facts([_situations([org])[org.id]], year, strict=False), year, overrides,
                             interpretations)[0]
    return EvaluationResult(org.name, str(year), results)


#: Results of ``evaluate_organization_years`` kept per process, under a digest of everything they depend on.
RESULTS_KEPT = 4096
_kept: OrderedDict[str, list[ProvisionResult]] = OrderedDict()
_kept_lock = threading.Lock()


def evaluate_organization_years(org: Any, years: Iterable[int]) -> list[EvaluationResult]:
    """``evaluate_organization`` for several years (an entity's page shows this year and last), the registry read once.

    The results depend only on the organisation's facts (the situation, event sources included), the year, the
    jurisdiction and the interpretations chosen in settings, so they are kept (per process, the last RESULTS_KEPT)
    under a digest of exactly those: the page shown again for unchanged facts runs no simulation, and any change of
    the facts gives a new digest. Callers must not modify the results."""
    situation = _situations([org])[org.id]
    chosen = sorted(_interpretation_settings(None).items())
    facts = json.dumps(situation, sort_keys=True, default=str, ensure_ascii=False)
    out = []
    for year in years:
        year = parse_period(year)
        key = hashlib.sha256(f"{current().name}|{_reference_version()}|{year}|{chosen}|{facts}".encode()).hexdigest()
        with _kept_lock:
            results = _kept.get(key)
            if results is not None:
                _kept.move_to_end(key)
        if results is None:
            results = _evaluate_rows(situation_facts([situation], year, strict=False), year, None, None)[0]
            with _kept_lock:
                _kept[key] = results
                while len(_kept) > RESULTS_KEPT:
                    _kept.popitem(last=False)
        out.append(EvaluationResult(org.name, str(year), results))
    return out


def evaluate_many(org_ids: Iterable[int], year: int, overrides: dict | None = None,
                  interpretations: dict | None = None) -> Iterator[tuple[int, list[ProvisionResult]]]:
    """Vectorised: one openfisca simulation per batch of organisations, facts read in columns (policy.facts)."""
    from policy import facts as columnar

    year = parse_period(year)
    _check_overrides(overrides)
    ids = list(org_ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        f, bad = columnar.load(chunk, year)
        if bad:  # data the engine refuses: the per-organisation path raises the organisation's own error
            yield from _evaluate_many_dicts(chunk, year, overrides, interpretations)
        elif f.n:
            yield from zip(f.ids.tolist(), _evaluate_rows(f, year, overrides, interpretations), strict=True)


def _evaluate_many_dicts(chunk: list[int], year: int, overrides: dict | None,
                         interpretations: dict | None) -> Iterator[tuple[int, list[ProvisionResult]]]:
    from registry.models import Organization

    orgs = list(Organization.objects.filter(id__in=chunk).only("id", "name", "kind"))
    situations = _situations(orgs)
    order = [i for i in chunk if i in situations]
    if order:
        facts = situation_facts([situations[i] for i in order], year, strict=False)
        yield from zip(order, _evaluate_rows(facts, year, overrides, interpretations), strict=True)


#: The engine's parameter units as users read them (a patent-count threshold is 件, not 元).
PARAMETER_UNITS = {"/1": "比例", "count": "件", "currency-CNY": "元", "bool": ""}


def tunable_parameters() -> list[dict[str, Any]]:
    """Parameters a what-if may change: path, title, unit, bounds, value now and citation."""
    today = dt.date.today().isoformat()
    out = []
    for p in PROVISIONS:
        for path in p.parameters:
            if any(d["path"] == path for d in out):
                continue
            param = _param(_base_system().parameters, path)
            try:
                now = param(today)
            except Exception:  # noqa: BLE001 - not in force today
                continue
            low, high = _bounds(param)
            unit = (param.metadata or {}).get("unit", "")
            out.append({"path": path, "title": param.description, "unit": PARAMETER_UNITS.get(unit, "元"),
                        "min": low, "max": high, "value_now": Decimal(str(now)),
                        "reference": (param.metadata or {}).get("reference", f"{p.document} {p.article}")})
    return out


def parameter_history(path: str) -> list[dict[str, Any]]:
    """The dated values of one parameter (newest first): {"from", "value"} with value None meaning expired."""
    param = _param(_base_system().parameters, path)
    return [{"from": v.instant_str, "value": v.value} for v in param.values_list]


def catalogue() -> list[dict[str, Any]]:
    """Every encoded provision with citations, form, parameters and their dated values (for the catalogue page)."""
    from policy.catalogue import FORMS

    token = _pinned_version.set(_reference_version())
    try:
        return _catalogue_rows(FORMS)
    finally:
        _pinned_version.reset(token)


def _catalogue_rows(FORMS: dict[str, str]) -> list[dict[str, Any]]:  # noqa: N803
    rows = []
    for p in PROVISIONS:
        params = []
        for path in p.parameters:
            param = _param(_base_system().parameters, path)
            params.append({"path": path, "title": param.description, "unit": (param.metadata or {}).get("unit", ""),
                           "history": list(reversed(parameter_history(path)))})
        rows.append({"id": p.id, "title": p.title, "citation": f"{p.document} {p.article}",
                     "also_cited": list(p.also_cited), "form": p.form, "form_label": FORMS[p.form],
                     "is_ceiling": p.is_ceiling, "beneficiary": [ORG_KINDS.get(k, k) for k in p.beneficiary],
                     "event": p.event, "variable": p.variable, "window_from": p.window[0],
                     "window_to": p.window[1] or "（未规定截止日期）", "parameters": params,
                     "interpretations": list(p.interpretations)})
    return rows


def provision(provision_id: str) -> Provision:
    try:
        return BY_ID[provision_id]
    except KeyError:
        raise PolicyInputError(f"provision_id：未知条款 {provision_id!r}。") from None
