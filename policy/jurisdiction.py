"""The jurisdiction interface: what a policy package gives the platform, and ``current()``.

The platform (catalogue, calculator, screening, what-if) knows no city. A jurisdiction package (``policy_weihai``, or
the fictional one of the test suite) exposes ``JURISDICTION``, a :class:`Jurisdiction` holding its documents, the
provisions with their catalogue metadata and explanations, the named interpretations, the builder of its openfisca
system and the words its sentences use. ``settings.POLICY_JURISDICTION`` (env ``KECHUANG_JURISDICTION``) names it.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Document:
    """A policy document: its short code, its number (文号, what citations print), title and window in force.

    ``numbered_as_articles``: its items are numbered through the whole document and cited as 第N条; otherwise an item
    is cited by its place (二（四）1). The portal prints the original text, when ``settings.POLICY_DIR`` holds a file
    ``<code>_*.txt``, with an anchor per article."""

    code: str
    number: str
    title: str = ""
    window_from: str = ""
    window_to: str | None = None
    numbered_as_articles: bool = False
    #: where the document applies: a region code of the jurisdiction's reference (a county-level city's own plan);
    #: empty: the jurisdiction's city
    place: str = ""

    @property
    def window(self) -> tuple[str, str | None]:
        return (self.window_from, self.window_to)


@dataclass(frozen=True)
class Reference:
    """The jurisdiction's places and industries, as the registry keeps them (``registry.reference.load_reference``):
    the city (code, name, short name), its county-level divisions and functional zones (code, name, short name;
    parented to the city) and its industry chains (code, name, cluster)."""

    city: tuple[str, str, str]
    divisions: tuple[tuple[str, str, str], ...] = ()
    zones: tuple[tuple[str, str, str], ...] = ()
    industry_chains: tuple[tuple[str, str, str], ...] = ()
    #: known regions outside the jurisdiction, by code prefix (e.g. the province's other cities), for the reason a
    #: provision does not apply there: (prefix, name)
    outside: tuple[tuple[str, str], ...] = ()

    def codes(self) -> dict[str, str]:
        """Every region code of the jurisdiction → its name."""
        return {code: name for code, name, _ in (self.city, *self.divisions, *self.zones)}

    def within(self, place: str) -> frozenset[str]:
        """The region codes inside ``place`` (the city: itself, its divisions and zones; a division: itself)."""
        return _within(self, place)

    def name_of(self, code: str) -> str:
        """A region's name: the jurisdiction's own, a known outside region's (by the longest prefix), or ''."""
        own = self.codes().get(code)
        if own:
            return own
        found = [(len(prefix), name) for prefix, name in self.outside if code.startswith(prefix)]
        return max(found)[1] if found else ""


@functools.lru_cache(maxsize=64)
def _within(reference: Reference, place: str) -> frozenset[str]:
    if place in ("", reference.city[0]):
        return frozenset(reference.codes())
    return frozenset({place})


@dataclass(frozen=True)
class ReferenceTable:
    """A monthly reference table the rules read (e.g. a published interest rate), kept by staff on the reference
    pages (app ``reference``); ``csv`` is the package's file that seeds it and that the engine reads without a
    database. ``needed_through``: the last month some registered record needs (None: none), for the work list."""

    code: str  # the parameter ``reference.<code>``
    name: str  # short words in sentences, e.g. "1 年期 LPR"
    title: str
    unit: str
    source: str  # the default source printed beside an entered value
    csv: str
    provisions: tuple[str, ...] = ()
    needed_through: Callable[[], Any] | None = None

    def csv_values(self) -> dict[str, float]:
        """The package file's values, ``YYYY-MM`` → value (lines ``month,value``; ``#`` lines are comments)."""
        out: dict[str, float] = {}
        with open(self.csv, encoding="utf-8") as fh:
            for line in fh:
                month, _, value = line.strip().partition(",")
                if month[:1].isdigit():
                    out[month] = float(value)
        return out


@dataclass(frozen=True)
class VoucherRule:
    """A document's sharing of a voucher-paid service fee: on top of a higher level's voucher (``upper_rate`` of the fee,
    e.g. the provincial voucher the sentence builds on), the city pays the rate its dated parameter gives while the
    document is in force. Applies to the service ``categories``; ``networked_only``: only instruments in the shared
    network; ``small_or_team_only``: only small enterprises and start-up teams. The voucher's balance bounds the
    payment (``vouchers.subsidy``)."""

    tag: str  # short and stable, part of funding claims' ids ("B30")
    citation: str
    city_rate_parameter: str  # openfisca parameter path, read with the jurisdiction's ``parameter_at``
    upper_rate: Decimal
    upper_label: str  # the higher level's voucher in sentences ("省级创新券")
    service_label: str  # the service in sentences ("使用入网共享科研仪器的服务费")
    categories: tuple[str, ...] = ("instrument",)
    networked_only: bool = True
    small_or_team_only: bool = True


@dataclass(frozen=True)
class VoucherBasis:
    """Where the documents leave a voucher's rate to the year's programme (the bureau sets it per voucher kind): the
    citation its payments carry, and a short stable tag for funding claims' ids."""

    tag: str
    citation: str


@dataclass(frozen=True)
class Provision:
    """One encoded provision: the openfisca variable that computes it, its citation, catalogue metadata and the
    parameters it reads (A and D twins are one rule with two citations)."""

    id: str
    title: str
    document: str  # the document's number, as citations print it
    article: str
    form: str
    is_ceiling: bool
    variable: str
    event: str  # qualifying event or condition, in Chinese
    beneficiary: tuple[str, ...]
    parameters: tuple[str, ...]
    event_level: bool = True  # computed per event (True) or per organisation-year (False)
    also_cited: tuple[str, ...] = ()
    interpretations: tuple[str, ...] = ()
    window: tuple[str, str | None] = ("", None)
    cap_parameter: str = ""
    subjects: tuple[tuple[str, str, str], ...] = field(default=())  # (kind, subject, level) filters for the split
    #: where it applies (a region code of the jurisdiction's reference); empty: where its document applies
    place: str = ""
    #: the place of the activity or counterpart the text also requires, in words (checked by the rule itself)
    activity_place: str = ""
    explanation: Any = None  # a policy.explain explainer (declared data); None: the generic per-event sentence


@dataclass(frozen=True)
class Interpretation:
    name: str
    question: str
    default: object
    choices: tuple[object, ...]
    justification: str
    parameter: str = ""  # openfisca parameter that carries it, when the engine reads it


@dataclass
class Jurisdiction:
    """Everything the platform needs from a policy package."""

    name: str
    label: str  # the city's name as pages and reports print it
    documents: dict[str, Document]
    provisions: list[Provision]
    interpretations: dict[str, Interpretation]
    build_system: Callable[[], Any]
    #: output variable → table-driven rule (``Rule``/``Path`` duck types: paths, window, cap, base_label, caveat)
    rules: Mapping[str, Any] = field(default_factory=dict)
    #: (rule or explanation window mode, parameters, dates) → bool array: the document's own window test
    window_ok: Callable[[str, Any, Any], Any] | None = None
    #: per-event or helper variables the explanations read besides each provision's own variable
    helper_variables: frozenset[str] = frozenset()
    event_names: dict[str, str] = field(default_factory=dict)  # event subject code → words in sentences
    level_names: dict[str, str] = field(default_factory=lambda: {"national": "国家级", "provincial": "省级",
                                                                 "city": "市级", "": ""})
    #: provision id → an example situation answer of the public calculator's form under which it applies
    calculator_examples: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: a sentence the coverage report prints under its summary (e.g. a document that sets only targets)
    coverage_note: str = ""
    #: the platform's name in page titles and reports; empty: "<label>科技创新政策平台"
    platform_title: str = ""
    #: the authority that signs the platform's notices (立项通知书, 拨付通知); empty: "<label>科学技术局"
    authority: str = ""
    #: (parameters, dates, path) → the parameter's value in force at each date (NaN where closed): how the package's
    #: formulas read a parameter, for the apps that read one outside a simulation (vouchers)
    parameter_at: Callable[[Any, Any, str], Any] | None = None
    #: regions and industry chains the registry loads for this jurisdiction (None: none)
    reference: Reference | None = None
    #: monthly reference tables the rules read (kept on the reference pages)
    reference_tables: tuple[ReferenceTable, ...] = ()
    #: the plans' targets: a YAML file of the indicator catalogue (documents, categories, indicators; see
    #: ``indicators.catalogue``); None: the jurisdiction monitors no indicators
    indicator_catalogue: Path | None = None
    #: voucher sharing rules of the documents (first that applies wins), and the basis of every other voucher payment
    voucher_rules: tuple[VoucherRule, ...] = ()
    voucher_basis: VoucherBasis = VoucherBasis("PLAN", "创新券年度计划")
    #: code-valued inputs: field name → {code: words} (industry_sector, sme_size, seller_located, seller_kind, role…);
    #: situations naming another code are refused with this list
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.provisions}
        if not self.platform_title:
            self.platform_title = f"{self.label}科技创新政策平台"
        if not self.authority:
            self.authority = f"{self.label}科学技术局"

    def place_of(self, p: Provision) -> str:
        """Where a provision applies: its own place, its document's, else the city (a region code)."""
        if p.place:
            return p.place
        doc = next((d for d in self.documents.values() if d.number == p.document), None)
        if doc is not None and doc.place:
            return doc.place
        return self.reference.city[0] if self.reference is not None else ""

    def applies_in(self, p: Provision, region: str) -> bool:
        """Whether a provision applies to an organisation registered in ``region`` ('' : not stated, taken as the
        jurisdiction's own, as the registry's organisations are)."""
        if not region or self.reference is None:
            return True
        return region in self.reference.within(self.place_of(p))

    def region_name(self, code: str) -> str:
        return self.reference.name_of(code) if self.reference is not None else ""

    def output_variables(self) -> set[str]:
        """The variables one screening computes: every provision's, the helpers, the per-event parts of capped rules."""
        rule_events = {f"{name}_event" for name, rule in self.rules.items() if getattr(rule, "cap", "")}
        return {p.variable for p in self.provisions} | set(self.helper_variables) | rule_events


@functools.lru_cache(maxsize=8)
def load(name: str) -> Jurisdiction:
    """The ``JURISDICTION`` of the package ``name`` (imported once)."""
    module = importlib.import_module(name)
    jurisdiction = getattr(module, "JURISDICTION", None)
    if jurisdiction is None:  # a country package whose JURISDICTION lives in a submodule
        jurisdiction = importlib.import_module(f"{name}.jurisdiction").JURISDICTION
    if not isinstance(jurisdiction, Jurisdiction):
        raise TypeError(f"{name}.JURISDICTION is not a policy.jurisdiction.Jurisdiction")
    return jurisdiction


def current() -> Jurisdiction:
    """The jurisdiction named by ``settings.POLICY_JURISDICTION`` (read on every call, so override_settings works)."""
    return load(getattr(settings, "POLICY_JURISDICTION", "policy_weihai"))


def cache_clear() -> None:
    load.cache_clear()


class CurrentList(Sequence):
    """A read-only view of a list attribute of the current jurisdiction (keeps ``from policy.catalogue import
    PROVISIONS`` working while the setting may change)."""

    def __init__(self, getter: Callable[[Jurisdiction], Sequence[Any]]) -> None:
        self._get = getter

    def __getitem__(self, index: Any) -> Any:
        return self._get(current())[index]

    def __len__(self) -> int:
        return len(self._get(current()))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get(current()))

    def __repr__(self) -> str:
        return repr(list(self))


class CurrentMapping(Mapping):
    """A read-only view of a mapping of the current jurisdiction."""

    def __init__(self, getter: Callable[[Jurisdiction], Mapping[str, Any]]) -> None:
        self._get = getter

    def __getitem__(self, key: str) -> Any:
        return self._get(current())[key]

    def __len__(self) -> int:
        return len(self._get(current()))

    def __iter__(self) -> Iterator[str]:
        return iter(self._get(current()))

    def __repr__(self) -> str:
        return repr(dict(self))
