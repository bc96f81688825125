"""Registry counts kept in a table (``RegistryCount``), so that no page or report counts a large registry.

Each figure of ``computed.FUNCTIONS`` is counted per (indicator function, year) for the whole city — its total and its
breakdown by district and zone in one GROUP BY — and, for indicators of a smaller jurisdiction (a county-level city), that area's
total. The table is kept current by the huey worker (``indicators.tasks``), never by a user's request:

- a save or delete of a row the figures count (``SOURCES``: a form edit, a contract registration, an incubation stay)
  notes, once its transaction commits, which region it touched and from which year (``RegistryChange``, in the
  database so that web and worker processes share it; ``scopes_of`` says what each row's figures depend on);
- every minute the periodic job recounts only what those changes touch (``refresh_changes``): for each function, the
  touched regions' by-region figures of the years from the earliest changed one on (one grouped query per function
  where it spans years), the city totals from them, and the county-level areas holding a touched region;
- a registry or incubation-roster Excel import (bulk writes, no per-row signals) queues a full recount;
- ``manage.py refresh_indicator_counts`` recounts everything (repair, or after loading data by hand).

A figure the table does not hold yet (a new installation, a year that has just begun) is not counted by the request
that wants it: the page says the figures are being counted (统计中) and the job is queued. ``INDICATORS_CACHE_SECONDS
= 0`` switches the table off: every request counts the registry itself (small installations, checking a figure by hand).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from indicators.computed import BY_REGION_YEARS, FUNCTIONS
from indicators.models import RegistryChange, RegistryCount

#: Functions whose city total is the sum of their per-region figures: distinct organisations, each in one region.
#: The others (shares, sums of money, growth rates) count their total with a query of its own.
ADDITIVE = frozenset({
    "high_tech_enterprises", "tech_smes", "new_high_tech_enterprises", "provincial_platforms", "national_platforms",
    "all_platforms", "new_platforms", "incubation_carriers", "incubated_hte_cumulative", "provincial_communities",
    "enterprises_revenue_10bn", "enterprises_revenue_100bn", "hte_pool",
})

Key = tuple[str, int, str]  # (function, year, area code or "" for the whole city)
#: What a change touched: (function of computed.FUNCTIONS, "" for every one; region code; first year whose figures it
#: can change, None for every year). No region is "anything" (an import, a row whose region is unknown): the next
#: refresh recounts every figure.
Scope = tuple[str, str, int | None]
EVERYTHING: Scope = ("", "", None)
#: A request that finds figures missing queues the job at most once in this many seconds (per cache).
QUEUED_KEY, QUEUE_AGAIN_AFTER = "indicators.counts.queued", 60


@dataclass
class Entry:
    total: float
    regions: dict[str, float]
    counted_at: dt.datetime | None


def enabled() -> bool:
    return int(getattr(settings, "INDICATORS_CACHE_SECONDS", 600)) > 0


def wanted() -> set[Key]:
    """Every (function, year, area) the catalogue's pages and reports show: each computed indicator over its plan
    years up to the current year, for its jurisdiction (the whole city, or the smaller area its catalogue row names),
    and the city's figure with its by-region breakdown (which a smaller area's district table reads)."""
    from indicators.services import Snapshot, computed_years

    snap = Snapshot()
    out: set[Key] = set()
    for ind in snap.indicators.values():
        if ind.computed not in FUNCTIONS:
            continue
        area = "" if ind.jurisdiction.kind == "city" else ind.jurisdiction.code
        for year in computed_years(ind, snap):
            out.update({(ind.computed, year, area), (ind.computed, year, "")})
    return out


def count(key: str, year: int, area: str) -> Entry:
    """Count one figure from the registry: for the whole city its total and its per-region breakdown (one GROUP BY
    over all regions), for a smaller area its total only."""
    started = timezone.now()
    if area:
        return Entry(float(FUNCTIONS[key](year, [area], False)), {}, started)
    regions = {code: float(v) for code, v in FUNCTIONS[key](year, None, True).items()}
    if key in ADDITIVE:
        total = float(sum(regions.values()))
    else:
        total = float(FUNCTIONS[key](year, None, False))
    return Entry(total, regions, started)


def _rows(k: Key, e: Entry) -> list[RegistryCount]:
    key, year, area = k
    rows = [RegistryCount(computed=key, year=year, area=area, region="", value=e.total, counted_at=e.counted_at)]
    rows += [RegistryCount(computed=key, year=year, area=area, region=code, value=v, counted_at=e.counted_at)
             for code, v in sorted(e.regions.items())]
    return rows


def store(entries: dict[Key, Entry]) -> None:
    """Replace the stored figures of these keys in one transaction (readers see the old figures or the new ones)."""
    if not entries:
        return
    with transaction.atomic():
        by_function: dict[tuple[str, str], list[int]] = {}
        for key, year, area in entries:
            by_function.setdefault((key, area), []).append(year)
        for (key, area), years in by_function.items():
            RegistryCount.objects.filter(computed=key, area=area, year__in=years).delete()
        RegistryCount.objects.bulk_create([r for k, e in entries.items() for r in _rows(k, e)], batch_size=2000)


def load() -> dict[Key, Entry]:
    """The whole table (a few thousand rows at most), read in one query."""
    out: dict[Key, Entry] = {}
    for key, year, area, region, value, at in RegistryCount.objects.values_list(
            "computed", "year", "area", "region", "value", "counted_at"):
        e = out.setdefault((key, year, area), Entry(0.0, {}, at))
        if region:
            e.regions[region] = value
        else:
            e.total = value
        if at and (e.counted_at is None or at < e.counted_at):
            e.counted_at = at
    return out


@dataclass
class RefreshSummary:
    figures: int
    seconds: float
    finished_at: dt.datetime
    full: bool = True


def _count_all(todo: set[Key], at: dt.datetime) -> dict[Key, Entry]:
    """Count these figures from the whole registry: the city's by-region figures of several years in one query
    where the function can, the others one (function, year, area) at a time."""
    entries: dict[Key, Entry] = {}
    for key in BY_REGION_YEARS.keys() & {k[0] for k in todo if not k[2]}:  # all years of the city in one query
        years = sorted(k[1] for k in todo if k[0] == key and not k[2])
        for year, regions in BY_REGION_YEARS[key](years).items():
            entries[(key, year, "")] = Entry(float(sum(regions.values())), regions, at)
    for k in sorted(todo - entries.keys()):
        entries[k] = count(*k)
        entries[k].counted_at = at
    return entries


def _swap(entries: dict[Key, Entry], change_ids: list[int], at: dt.datetime) -> None:
    """Store the recounted figures, forget the changes they took in, and date the whole table: every figure is now
    current as of ``at`` (a figure no change touched was already right)."""
    with transaction.atomic():
        store(entries)
        if change_ids:
            RegistryChange.objects.filter(id__in=change_ids).delete()
        RegistryCount.objects.exclude(counted_at=at).update(counted_at=at)


def refresh(keys: Iterable[Key] | None = None) -> RefreshSummary:
    """Recount every figure the pages show (and any other the table holds), then swap them in at once; the
    changes noted before it started are taken in. With ``keys``: those figures only."""
    started, at = time.perf_counter(), timezone.now()
    change_ids = list(RegistryChange.objects.values_list("id", flat=True)) if keys is None else []
    todo = set(keys) if keys is not None else wanted() | set(
        RegistryCount.objects.filter(region="").values_list("computed", "year", "area"))
    todo = {k for k in todo if k[0] in FUNCTIONS}
    entries = _count_all(todo, at)
    if keys is None:
        _swap(entries, change_ids, at)
    else:
        store(entries)
    return RefreshSummary(len(entries), time.perf_counter() - started, timezone.now())


def _touched(scopes: Iterable[tuple[str, int | None]]) -> dict[str, int | None]:
    """Region code → the first year changed there (None: every year)."""
    out: dict[str, int | None] = {}
    for region, year in scopes:
        if region in out and (out[region] is None or year is None):
            out[region] = None
        else:
            out[region] = year if region not in out else min(out[region], year)  # type: ignore[type-var]
    return out


def _regions_counted(key: str, years: list[int], regions: list[str]) -> dict[int, dict[str, float]]:
    """The by-region figures of these regions (and the zones under them) for these years: one grouped query for
    the functions that span years, else one per year."""
    if key in BY_REGION_YEARS:
        return BY_REGION_YEARS[key](years, regions)
    return {y: {code: float(v) for code, v in FUNCTIONS[key](y, regions, True).items()} for y in years}


def recount_touched(have: dict[Key, Entry], scopes: Iterable[Scope], at: dt.datetime) -> dict[Key, Entry]:
    """The figures a set of changes can alter, recounted from the registry — and no other.

    A change to function F in region R from year Y (see ``scopes_of``) can alter, for each year >= Y: R's own
    by-region figure of F and those of the zones under R (``computed.area_q`` counts an area with its zones), F's city
    total (the sum of the regions, or its own query for shares and sums of money), and F's total of a county-level
    area that is R or holds R. Every other stored figure is left as it is."""
    from registry.models import Region

    by_function: dict[str, list[tuple[str, int | None]]] = {}
    for function, region, year in scopes:
        for key in ([function] if function else list(FUNCTIONS)):
            by_function.setdefault(key, []).append((region, year))
    if not by_function:
        return {}
    parents = {code: parent or "" for code, parent in Region.objects.values_list("code", "parent__code")}
    out: dict[Key, Entry] = {}
    for key, touched_scopes in sorted(by_function.items()):
        if key not in FUNCTIONS:
            continue
        touched = _touched(touched_scopes)
        first = None if any(y is None for y in touched.values()) else min(touched.values())  # type: ignore[type-var]
        regions = sorted(touched)
        covered = set(regions) | {code for code, parent in parents.items() if parent in touched}
        areas = set(regions) | {parents.get(r, "") for r in regions}
        years: list[int] = []
        for k in have:
            if k[0] != key or (first is not None and k[1] < first):
                continue
            if not k[2]:
                years.append(k[1])
            elif k[2] in areas:
                out[k] = Entry(float(FUNCTIONS[key](k[1], [k[2]], False)), {}, at)
        recounted = _regions_counted(key, sorted(years), regions) if years else {}
        for year in years:
            regs = {code: v for code, v in have[(key, year, "")].regions.items() if code not in covered}
            regs.update(recounted.get(year, {}))
            total = float(sum(regs.values())) if key in ADDITIVE else float(FUNCTIONS[key](year, None, False))
            out[(key, year, "")] = Entry(total, regs, at)
    return out


def refresh_changes() -> RefreshSummary:
    """What the periodic job runs: recount the figures that the changes noted since the last refresh touched, and
    count the figures the pages want that the table lacks; a change of unknown scope (an import) recounts all."""
    started, at = time.perf_counter(), timezone.now()
    changes = list(RegistryChange.objects.values_list("id", "computed", "region", "from_year"))
    if any(not region for _, _, region, _ in changes):
        return refresh()
    have = load()
    entries = recount_touched(have, [c[1:] for c in changes], at)
    missing = {k for k in wanted() - have.keys() if k[0] in FUNCTIONS}
    entries.update(_count_all(missing, at))
    _swap(entries, [c[0] for c in changes], at)
    return RefreshSummary(len(entries), time.perf_counter() - started, timezone.now(), full=False)


def oldest() -> dt.datetime | None:
    """When the oldest figure in the table was counted (None: the table is empty)."""
    return RegistryCount.objects.aggregate(m=Min("counted_at"))["m"]


# ---- what changed ---------------------------------------------------------------------------------------------

#: The rows the figures count (``app_label.ModelName``); a save or delete of one notes the regions and years touched.
SOURCES = ("registry.Organization", "registry.Qualification", "registry.Recognition", "registry.AnnualFacts",
           "registry.CultivationPoolEntry", "registry.PlatformMembership", "incubation.Carrier", "incubation.Incubatee",
           "incubation.Stay", "techmarket.TechContract")


def _org_region(org_id: int | None) -> str:
    from registry.models import Organization

    if org_id is None:
        return ""
    return Organization.objects.filter(pk=org_id).values_list("region__code", flat=True).first() or ""


def _hosts(org_ids: list[int]) -> set[str]:
    """Regions of the carriers that hosted these organisations (the incubation count goes to the host's region)."""
    from incubation.models import Stay

    return set(Stay.objects.filter(incubatee__organization_id__in=org_ids)
               .values_list("carrier__organization__region__code", flat=True))


def _year(value: object) -> int | None:
    """The year of a date field as the instance holds it (a date, or the string it was given before saving)."""
    if hasattr(value, "year"):
        return int(value.year)  # type: ignore[union-attr]
    text = str(value or "")
    return int(text[:4]) if text[:4].isdigit() else None


#: What each source row's figures are, read from indicators/computed.py (and incubation/indicators.py).
HTE_FUNCTIONS = ("high_tech_enterprises", "new_high_tech_enterprises", "incubated_hte_cumulative")
ABOVE_SIZE_FUNCTIONS = ("rd_active_share", "rd_expense_above_size", "rd_expense_above_size_growth")
FACTS_FUNCTIONS = ABOVE_SIZE_FUNCTIONS + ("enterprises_revenue_10bn", "enterprises_revenue_100bn")


def scopes_of(instance: object) -> set[Scope]:
    """The figures this row counts in — functions, regions and the first year (read from ``indicators.computed``):

    - an organisation: every function (kind, level, type, establishment date and region all count), its region,
      every year;
    - a qualification: by kind (high-tech: held, first certified, certified while incubated — then also in the
      hosting carrier's region; tech SME: held; above designated size: the R&D figures), its organisation's region
      from the year its validity starts (held at 31 December of a year >= that);
    - a technology contract's registration: the turnover, its region, from the year it occurred;
    - yearly facts: the R&D and revenue figures, its region, from that year (the next year's growth reads it too);
    - a cultivation-pool entry: the pool, from the year it entered (in the pool at 31 December of later years);
    - a carrier: the carriers and the incubated high-tech count, its region, every year; an incubatee: that count,
      in its hosts' regions; a stay: that count, its carrier's region, from the year it began;
    - a technology contract (its registration events are written in bulk when it is saved): the turnover, in its
      parties' regions, every year;
    - a platform membership: nothing (no figure reads it)."""
    from incubation.models import Carrier, Incubatee, Stay
    from registry.models import (
        AnnualFacts,
        CultivationPoolEntry,
        Organization,
        PlatformMembership,
        Qualification,
        QualificationKind,
        Recognition,
        RecognitionKind,
        Region,
    )

    def scopes(functions: Iterable[str], regions: Iterable[str | None], year: int | None) -> set[Scope]:
        return {(f, r or "", year) for f in functions for r in regions}

    if isinstance(instance, Organization):
        code = Region.objects.filter(pk=instance.region_id).values_list("code", flat=True).first() or ""
        return {("", code, None)}
    if isinstance(instance, Qualification):
        year, region = _year(instance.valid_from), _org_region(instance.organization_id)
        if instance.kind == QualificationKind.HIGH_TECH_ENTERPRISE:
            return (scopes(HTE_FUNCTIONS, [region], year)
                    | scopes(["incubated_hte_cumulative"], _hosts([instance.organization_id]), year))
        if instance.kind == QualificationKind.TECH_SME:
            return scopes(["tech_smes"], [region], year)
        if instance.kind == QualificationKind.ABOVE_DESIGNATED_SIZE:
            return scopes(ABOVE_SIZE_FUNCTIONS, [region], year)
        return set()
    if isinstance(instance, Recognition):
        if instance.kind != RecognitionKind.TECH_CONTRACT:
            return set()
        return scopes(["tech_contract_turnover"], [_org_region(instance.organization_id)], _year(instance.occurred_on))
    if isinstance(instance, AnnualFacts):
        return scopes(FACTS_FUNCTIONS, [_org_region(instance.organization_id)], _year(f"{instance.year}"))
    if isinstance(instance, CultivationPoolEntry):
        return scopes(["hte_pool"], [_org_region(instance.organization_id)], _year(instance.entered_on))
    if isinstance(instance, PlatformMembership):
        return set()
    if instance._meta.label == "techmarket.TechContract":  # type: ignore[attr-defined]
        return scopes(["tech_contract_turnover"], instance.parties.exclude(organization=None)  # type: ignore[attr-defined]
                      .values_list("organization__region__code", flat=True), None)
    if isinstance(instance, Carrier):
        return scopes(["incubation_carriers", "incubated_hte_cumulative"], [_org_region(instance.organization_id)],
                      None)
    if isinstance(instance, Incubatee):
        return scopes(["incubated_hte_cumulative"], Stay.objects.filter(incubatee_id=instance.pk)
                      .values_list("carrier__organization__region__code", flat=True), None)
    if isinstance(instance, Stay):
        carrier = Carrier.objects.filter(pk=instance.carrier_id).values_list("organization_id", flat=True).first()
        return scopes(["incubated_hte_cumulative"], [_org_region(carrier)], _year(instance.entered_on))
    return {EVERYTHING}


def note(scopes: Iterable[Scope]) -> None:
    """Keep changes for the next refresh (run after their transaction committed)."""
    now = timezone.now()
    RegistryChange.objects.bulk_create([RegistryChange(computed=f, region=r, from_year=y, changed_at=now)
                                        for f, r, y in sorted(set(scopes), key=lambda s: (s[0], s[1], s[2] or 0))])


def mark_changed() -> None:
    """Note that anything may have changed (an import, data loaded by hand): the next refresh recounts all."""
    note([EVERYTHING])


def pending() -> int:
    """How many changes the table has not taken in yet."""
    return RegistryChange.objects.count()


class _Pending:
    """The scopes one transaction touched, noted in one insert once it commits."""

    def __init__(self) -> None:
        self.scopes: set[Scope] = set()

    def __call__(self) -> None:
        note(self.scopes)


def _collect(scopes: set[Scope]) -> None:
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        for entry in conn.run_on_commit:
            if isinstance(entry[1], _Pending):
                entry[1].scopes |= scopes
                return
    pending_ = _Pending()
    pending_.scopes |= scopes
    transaction.on_commit(pending_)


def source_will_change(sender, instance, raw: bool = False, **_) -> None:
    """pre_save of a source row that exists: what it counted in before the edit (an organisation that moves region
    changes both regions' figures; a date moved earlier, the years in between)."""
    if raw or not enabled() or instance._state.adding or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    if old is not None:
        instance._indicator_scopes = scopes_of(old)


def source_changed(sender, instance, **_) -> None:
    """post_save/post_delete of a source row: note the regions and years it touched once the transaction commits
    (one insert per transaction, however many rows it writes)."""
    if not enabled():
        return
    scopes = scopes_of(instance) | getattr(instance, "_indicator_scopes", set())
    if scopes:
        _collect(scopes)


def stale() -> bool:
    """The periodic job's test: changes not taken in yet, or a figure the pages need is missing."""
    if not enabled():
        return False
    if RegistryChange.objects.exists():
        return True
    have = set(RegistryCount.objects.filter(region="").values_list("computed", "year", "area"))
    return bool({k for k in wanted() if k[0] in FUNCTIONS} - have)


def queue_refresh() -> bool:
    """A request found figures missing: ask the worker to count them (at most once a minute); True when the queue
    runs jobs at once (KECHUANG_HUEY=immediate: tests, a demo without a worker) and they are counted now."""
    from huey.contrib.djhuey import HUEY

    from indicators import tasks

    if HUEY.immediate:
        tasks._refresh()
        return True
    if cache.add(QUEUED_KEY, 1, QUEUE_AGAIN_AFTER):
        tasks.refresh_counts()
    return False


class Computer:
    """Registry figures for one request or report, read from the table at once. A figure the table lacks is not
    counted here: it reads as no figure, ``missing`` says so (the pages show 统计中) and the job is queued. Without
    the table (INDICATORS_CACHE_SECONDS = 0) counted from the registry and memoised for the request."""

    def __init__(self, live: bool | None = None) -> None:
        self.live = (not enabled()) if live is None else live
        self._table: dict[Key, Entry] | None = None
        self._live: dict[tuple, object] = {}
        self._parents: dict[str, str] | None = None
        self._queued = False
        self.missing: set[Key] = set()  # figures the table lacked: counted by the job, not by this request
        self.counted_at: dt.datetime | None = None  # when the oldest figure read so far was counted

    def _entry(self, key: str, year: int, area: str) -> Entry:
        if self._table is None:
            self._table = load()
        k = (key, year, area)
        if k not in self._table and not self._queued:
            self._queued = True
            if queue_refresh():  # an immediate queue counted it now
                self._table = load()
        e = self._table.get(k)
        if e is None:
            self.missing.add(k)
            return Entry(0.0, {}, None)
        if e.counted_at and (self.counted_at is None or e.counted_at < self.counted_at):
            self.counted_at = e.counted_at
        return e

    def _area(self, area: list[str] | None) -> str | None:
        """The table's area for a page's area: "" for the whole city, the code for one region, None when the
        area is not one the table keeps (several regions): then the registry is counted."""
        if not area:
            return ""
        return area[0] if len(area) == 1 else None

    def _count_live(self, key: str, year: int, area: list[str] | None, by_region: bool):
        k = (key, year, tuple(area or ()), by_region)
        if k not in self._live:
            self._live[k] = FUNCTIONS[key](year, area, by_region)
        return self._live[k]

    def _in_area(self, code: str, area: list[str]) -> bool:
        if self._parents is None:
            from registry.models import Region

            self._parents = {c: p or "" for c, p in Region.objects.values_list("code", "parent__code")}
        return code in area or self._parents.get(code, "") in area

    def raw_value(self, key: str, year: int, area: list[str] | None) -> float:
        a = None if self.live else self._area(area)
        if a is None:
            return self._count_live(key, year, area, False)
        return self._entry(key, year, a).total

    def raw_by_region(self, key: str, year: int, area: list[str] | None) -> dict[str, float]:
        if self.live:
            return self._count_live(key, year, area, True)
        regions = self._entry(key, year, "").regions
        if not area:
            return regions
        return {code: v for code, v in regions.items() if self._in_area(code, area)}

    def value(self, key: str, year: int, area: list[str] | None) -> float | None:
        v = self.raw_value(key, year, area)
        return round(v, 4) if v else None

    def by_region(self, key: str, year: int, area: list[str] | None) -> dict[str, float]:
        return {code: round(v, 4) for code, v in self.raw_by_region(key, year, area).items() if v}
