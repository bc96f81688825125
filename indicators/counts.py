"""Registry counts kept in a table (``RegistryCount``), so that no page or report counts a large registry.

Each figure of ``computed.FUNCTIONS`` is counted per (indicator function, year) for the whole city — its total and its
breakdown by district and zone in one GROUP BY — and, for indicators of a smaller jurisdiction (a county-level city), that area's
total. ``refresh`` recounts every figure the catalogue shows; it runs

- as a periodic job (``indicators.tasks``) once the oldest figure is older than ``settings.INDICATORS_CACHE_SECONDS``,
- after each registry import (``registry.signals.registry_imported``, connected in ``IndicatorsConfig.ready``),
- by the periodic job within a minute of any other change to the rows the figures count (a form edit, a contract
  registration, an incubation stay: ``mark_changed`` on their post_save/post_delete, kept in the database
  (``RegistryChange``) so that web and worker processes share it),
- from the command line (``manage.py refresh_indicator_counts``).

A figure the table does not hold yet (a year that has just begun, a new indicator) is counted on first use and
stored, so that nobody waits for it twice; so is one that nothing has refreshed for ``ABANDONED_AFTER`` times the
refresh interval (no worker running). ``INDICATORS_CACHE_SECONDS = 0`` switches the table off: every request
counts the registry itself (small installations, checking a figure by hand).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from indicators.computed import BY_REGION_YEARS, FUNCTIONS
from indicators.models import RegistryCount

#: Functions whose city total is the sum of their per-region figures: distinct organisations, each in one region.
#: The others (shares, sums of money, growth rates) count their total with a query of its own.
ADDITIVE = frozenset({
    "high_tech_enterprises", "tech_smes", "new_high_tech_enterprises", "provincial_platforms", "national_platforms",
    "all_platforms", "new_platforms", "incubation_carriers", "incubated_hte_cumulative", "provincial_communities",
    "enterprises_revenue_10bn", "enterprises_revenue_100bn", "hte_pool",
})

#: Without a huey worker nothing refreshes the table; a request that finds a figure older than this many times
#: INDICATORS_CACHE_SECONDS counts it again itself (the periodic job keeps figures younger than about one time).
ABANDONED_AFTER = 3

Key = tuple[str, int, str]  # (function, year, area code or "" for the whole city)


@dataclass
class Entry:
    total: float
    regions: dict[str, float]
    counted_at: dt.datetime | None


def enabled() -> bool:
    return int(getattr(settings, "INDICATORS_CACHE_SECONDS", 600)) > 0


def max_age() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "INDICATORS_CACHE_SECONDS", 600)))


def wanted() -> set[Key]:
    """Every (function, year, area) the catalogue's pages and reports show: each computed indicator over its plan
    years up to the current year, for its jurisdiction (the whole city, or the smaller area its catalogue row names)."""
    from indicators.services import Snapshot, computed_years

    snap = Snapshot()
    out: set[Key] = set()
    for ind in snap.indicators.values():
        if ind.computed not in FUNCTIONS:
            continue
        area = "" if ind.jurisdiction.kind == "city" else ind.jurisdiction.code
        out.update((ind.computed, year, area) for year in computed_years(ind, snap))
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


def count_and_store(k: Key) -> Entry:
    """The cold path: a figure nobody has counted yet, counted once and kept."""
    entry = count(*k)
    try:
        with transaction.atomic():
            store({k: entry})
    except IntegrityError:  # another request stored it meanwhile: its figure is as good as ours
        pass
    return entry


def refresh_empty() -> dict[Key, Entry]:
    """The first request of a new installation: the whole table counted at once (several years in one query), which
    is faster than counting figure by figure; a request doing the same at the same moment stores first."""
    try:
        refresh()
    except IntegrityError:
        pass
    return load()


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


def refresh(keys: Iterable[Key] | None = None) -> RefreshSummary:
    """Recount every figure the pages show (and any other the table holds), then swap them in at once."""
    started = time.perf_counter()
    todo = set(keys) if keys is not None else wanted() | set(
        RegistryCount.objects.filter(region="").values_list("computed", "year", "area"))
    todo = {k for k in todo if k[0] in FUNCTIONS}
    entries: dict[Key, Entry] = {}
    for key in BY_REGION_YEARS.keys() & {k[0] for k in todo if not k[2]}:  # all years of the city in one query
        years = sorted(k[1] for k in todo if k[0] == key and not k[2])
        counted_at = timezone.now()
        for year, regions in BY_REGION_YEARS[key](years).items():
            entries[(key, year, "")] = Entry(float(sum(regions.values())), regions, counted_at)
    entries.update((k, count(*k)) for k in sorted(todo - entries.keys()))
    store(entries)
    return RefreshSummary(len(entries), time.perf_counter() - started, timezone.now())


def oldest() -> dt.datetime | None:
    """When the oldest figure in the table was counted (None: the table is empty)."""
    return RegistryCount.objects.aggregate(m=Min("counted_at"))["m"]


#: The rows the figures count (``app_label.ModelName``); a save or delete of one marks the figures changed.
SOURCES = ("registry.Organization", "registry.Qualification", "registry.Recognition", "registry.AnnualFacts",
           "registry.CultivationPoolEntry", "registry.PlatformMembership", "incubation.Carrier", "incubation.Stay")


def mark_changed() -> None:
    """Note that a counted row changed now (run after its transaction committed); the periodic job recounts."""
    from indicators.models import RegistryChange

    now = timezone.now()
    if not RegistryChange.objects.filter(pk=1).update(changed_at=now):
        try:
            with transaction.atomic():
                RegistryChange.objects.create(pk=1, changed_at=now)
        except IntegrityError:  # another process noted a change at the same moment
            RegistryChange.objects.filter(pk=1).update(changed_at=now)


def changed_at() -> dt.datetime | None:
    from indicators.models import RegistryChange

    return RegistryChange.objects.filter(pk=1).values_list("changed_at", flat=True).first()


def source_changed(**_) -> None:
    """post_save/post_delete of a source row: mark the figures changed once the transaction commits (once per
    transaction, however many rows it writes)."""
    if not enabled():
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(entry[1] is mark_changed for entry in conn.run_on_commit):
        return
    transaction.on_commit(mark_changed)


def stale() -> bool:
    """The periodic job's test: some figure is older than INDICATORS_CACHE_SECONDS, or older than the last change to
    the rows it counts, or one the pages need is missing."""
    if not enabled():
        return False
    at = oldest()
    if at is None or timezone.now() - at >= max_age():
        return True
    changed = changed_at()
    if changed is not None and changed >= at:
        return True
    have = set(RegistryCount.objects.filter(region="").values_list("computed", "year", "area"))
    return bool(wanted() - have)


class Computer:
    """Registry figures for one request or report: read from the table at once, the missing ones counted and stored;
    without the table (INDICATORS_CACHE_SECONDS = 0) counted from the registry and memoised for the request."""

    def __init__(self, live: bool | None = None) -> None:
        self.live = (not enabled()) if live is None else live
        self._table: dict[Key, Entry] | None = None
        self._live: dict[tuple, object] = {}
        self._parents: dict[str, str] | None = None
        self.counted_at: dt.datetime | None = None  # when the oldest figure read so far was counted

    def _entry(self, key: str, year: int, area: str) -> Entry:
        if self._table is None:
            self._table = load()
        k = (key, year, area)
        if not self._table:  # nothing counted yet (a new installation): everything at once, as the job does
            self._table = refresh_empty()
        if k not in self._table or self._abandoned(self._table[k]):
            self._table[k] = count_and_store(k)
        e = self._table[k]
        if e.counted_at and (self.counted_at is None or e.counted_at < self.counted_at):
            self.counted_at = e.counted_at
        return e

    def _abandoned(self, e: Entry) -> bool:
        """A figure far older than the periodic job lets figures get (no worker is running): counted again now, so
        that a registry change still shows within ABANDONED_AFTER × INDICATORS_CACHE_SECONDS without a worker."""
        return e.counted_at is not None and timezone.now() - e.counted_at > ABANDONED_AFTER * max_age()

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
