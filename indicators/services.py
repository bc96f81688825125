"""Indicator monitoring services: the one place that pages, the REST API, the command line and reports call.

Series = entered observations (official statistics; they win) completed by figures counted from the registry
(``computed.py``) → progress (``progress.py``) → dashboard rows and the yearly monitoring report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from core import audit
from indicators.catalogue import categories, codes
from indicators.computed import LABELS
from indicators.counts import Computer
from indicators.models import Indicator, Observation
from indicators.progress import Progress, growth_progress, level_progress, points_progress
from policy.jurisdiction import current
from registry.models import Region

#: Observations are stored with 16 digits, 4 after the point: anything from 1 万亿 upwards is a typing error.
VALUE_MAX = Decimal(10**12)


class IndicatorInputError(ValueError):
    """Bad input: ``field`` names the field, the message (Chinese) says what is wrong and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Point:
    year: int
    value: float
    origin: str  # "entered" | "computed"
    observation: Observation | None = None
    computed_value: float | None = None

    @property
    def origin_label(self) -> str:
        return "录入" if self.origin == "entered" else "登记数据计算"


# ---- catalogue lookups -------------------------------------------------------------------------------------------

_memo: ContextVar[dict | None] = ContextVar("indicators_memo", default=None)


@contextmanager
def memoised() -> Iterator[None]:
    """Within the block, catalogue look-ups (indicator, series, plan years, regions) are read once (imports)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _cached(key: tuple, compute: Callable[[], Any]) -> Any:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def get_indicator(code: str) -> Indicator:
    code = (code or "").strip()
    try:
        return _cached(("indicator", code), lambda: Indicator.objects.select_related("jurisdiction").get(code=code))
    except Indicator.DoesNotExist:
        raise IndicatorInputError("indicator", f"未知指标编码“{code[:60]}”：请从指标目录中选择，或下载模板查看全部编码。") from None


def series_codes(ind: Indicator) -> list[str]:
    """The indicators that share one statistical series (the canonical one and those pointing at it)."""
    canonical = ind.series_code
    return _cached(("series", canonical), lambda: [
        canonical, *Indicator.objects.filter(same_series_as=canonical).values_list("code", flat=True)])


def _years_of(group: list[Indicator]) -> tuple[int, int]:
    """The plan years a series covers: from the earliest start to the latest target of its indicators."""
    return min(i.start_year for i in group), max(i.target_year for i in group)


def plan_years(ind: Indicator) -> tuple[int, int]:
    return _cached(("years", ind.code), lambda: _years_of(
        list(Indicator.objects.filter(code__in=series_codes(ind))) or [ind]))


def region_choices(ind: Indicator) -> list[Region]:
    """The jurisdiction itself and, for city-wide indicators with a district breakdown, its divisions and zones."""
    def compute() -> list[Region]:
        out = [ind.jurisdiction]
        if ind.districts and ind.jurisdiction.kind == Region.Kind.CITY:
            out += list(Region.objects.filter(kind__in=[Region.Kind.DIVISION, Region.Kind.ZONE]).order_by("code"))
        return out

    return _cached(("regions", ind.code), compute)


def _area(ind: Indicator, region: Region | None) -> list[str] | None:
    region = region or ind.jurisdiction
    return None if region.kind == Region.Kind.CITY else [region.code]


# ---- series and progress -----------------------------------------------------------------------------------------

class Snapshot:
    """Every indicator and every observation read once, for pages and reports that show all indicators."""

    def __init__(self) -> None:
        # the current jurisdiction's catalogue (a database may still hold another package's indicators)
        inds = list(Indicator.objects.select_related("jurisdiction").filter(code__in=codes()))
        self.indicators = {i.code: i for i in inds}
        self.groups: dict[str, list[Indicator]] = {}
        for i in inds:
            self.groups.setdefault(i.series_code, []).append(i)
        by_id = {i.pk: i for i in inds}
        self.observations: dict[tuple[str, int], dict[int, Observation]] = {}
        for obs in Observation.objects.select_related("entered_by").order_by("year", "version", "id"):
            obs.indicator = by_id[obs.indicator_id]
            key = (obs.indicator.series_code, obs.region_id)
            self.observations.setdefault(key, {})[obs.year] = obs  # later versions replace earlier ones

    def plan_years(self, ind: Indicator) -> tuple[int, int]:
        return _years_of(self.groups.get(ind.series_code, [ind]))

    def current(self, ind: Indicator, region: Region) -> dict[int, Observation]:
        return self.observations.get((ind.series_code, region.pk), {})


def current_observations(ind: Indicator, region: Region | None = None,
                         snap: Snapshot | None = None) -> dict[int, Observation]:
    """Latest version per year for the indicator's series, for its jurisdiction (or one district)."""
    region = region or ind.jurisdiction
    if snap is not None:
        return snap.current(ind, region)
    rows = (Observation.objects.filter(indicator__code__in=series_codes(ind), region=region)
            .select_related("entered_by", "indicator").order_by("year", "version", "id"))
    out: dict[int, Observation] = {}
    for obs in rows:
        out[obs.year] = obs  # later versions replace earlier ones in this ordering
    return out


def latest_data_year() -> int:
    """The latest year that has entered statistics, else the last complete year."""
    last_complete = dt.date.today().year - 1
    latest = Observation.objects.filter(year__lte=last_complete).aggregate(m=Max("year"))["m"]
    return latest or last_complete


def computed_years(ind: Indicator, snap: Snapshot | None = None) -> range:
    start, end = snap.plan_years(ind) if snap else plan_years(ind)
    return range(start, min(end, dt.date.today().year) + 1)


def series(ind: Indicator, region: Region | None = None, computer: Computer | None = None,
           until: int | None = None, snap: Snapshot | None = None) -> dict[int, Point]:
    points: dict[int, Point] = {}
    if ind.computed:
        computer = computer or Computer()
        for year in computed_years(ind, snap):
            v = computer.value(ind.computed, year, _area(ind, region))
            if v is not None:
                points[year] = Point(year, v, "computed", computed_value=v)
    for year, obs in current_observations(ind, region, snap).items():
        prior = points.get(year)
        points[year] = Point(year, float(obs.value), "entered", obs, prior.computed_value if prior else None)
    if until is not None:
        points = {y: p for y, p in points.items() if y <= until}
    return dict(sorted(points.items()))


def progress(ind: Indicator, points: dict[int, Point]) -> Progress:
    values = {y: p.value for y, p in points.items()}
    base_value = float(ind.baseline_value) if ind.baseline_value is not None else None
    target = float(ind.target_value)
    if ind.target_kind == Indicator.TargetKind.ANNUAL_GROWTH:
        return growth_progress(values, target_year=ind.target_year, target_rate=target,
                               start_year=ind.baseline_year)
    if ind.target_kind == Indicator.TargetKind.ANNUAL_POINTS:
        return points_progress(values, baseline_year=ind.baseline_year, baseline_value=base_value,
                               target_year=ind.target_year, points_per_year=target)
    return level_progress(values, baseline_year=ind.baseline_year, baseline_value=base_value,
                          target_year=ind.target_year, target_value=target,
                          compound=ind.projection == Indicator.Projection.COMPOUND, unit=ind.unit,
                          whole=ind.unit_kind == Indicator.UnitKind.COUNT)


def computed_label(ind: Indicator) -> str:
    return LABELS.get(ind.computed, "")


def district_table(ind: Indicator, year: int, computer: Computer | None = None) -> list[dict[str, Any]]:
    """Per district/zone figures for a year: entered where entered, else counted from the registry."""
    if not ind.districts:
        return []
    computer = computer or Computer()
    counted = computer.by_region(ind.computed, year, None) if ind.computed else {}
    rows = []
    for region in region_choices(ind)[1:]:
        obs = current_observations(ind, region).get(year)
        value = float(obs.value) if obs else counted.get(region.code)
        rows.append({"region": region, "value": value, "origin": "录入" if obs else ("登记数据计算" if value else "")})
    return rows


def dashboard(year: int | None = None, computer: Computer | None = None) -> list[dict[str, Any]]:
    """Every indicator with its latest figure (up to ``year``) and progress, grouped in catalogue order."""
    computer = computer or Computer()
    snap = Snapshot()
    cats = categories()
    rows = []
    for ind in sorted(snap.indicators.values(), key=lambda i: i.order):
        points = series(ind, computer=computer, until=year, snap=snap)
        prog = progress(ind, points)
        judged = prog.latest_year if prog.latest_year in points else (max(points) if points else None)
        latest = points[judged] if judged is not None else None  # the value the status is judged on
        rows.append({"indicator": ind, "category": cats.get(ind.category, ind.category), "points": points,
                     "latest": latest, "progress": prog})
    return rows


def counted_note(computer: Computer) -> str:
    """When the registry figures a page shows were counted (统计时间), for the page's reader; or that some are still
    being counted (统计中: the table lacked them, the background job is counting them)."""
    from django.utils import timezone

    if computer.live:
        return "“登记数据计算”的数值为打开页面时从登记库实时统计。"
    if computer.missing:
        return "“登记数据计算”的数值统计中：后台正在从登记库统计，暂未显示的数值请稍后刷新页面查看。"
    if computer.counted_at is None:
        return ""
    return (f"“登记数据计算”的数值统计时间：{timezone.localtime(computer.counted_at):%Y-%m-%d %H:%M}"
            f"（登记库数据变更后，约一分钟内自动重新统计变更涉及的区市和年度）。")


def status_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r["progress"].status_label] = out.get(r["progress"].status_label, 0) + 1
    return out


# ---- observations ------------------------------------------------------------------------------------------------

def _parse_value(ind: Indicator, raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise IndicatorInputError("value", f"数值“{raw}”不是数字：请填写阿拉伯数字，如 2.45。") from None
    if abs(value) >= VALUE_MAX:
        raise IndicatorInputError("value", f"数值 {value:.4g} 过大：观测值须小于 1 万亿，请核对单位。")
    low, high = ind.bounds
    if low is not None and value < Decimal(str(low)):
        if ind.unit_kind == Indicator.UnitKind.GROWTH:
            raise IndicatorInputError("value", f"增长率 {value}% 低于 -100%，不可能出现：请核对数值。")
        raise IndicatorInputError("value", f"数值 {value} 为负数：{ind.name}不能为负，请核对后重填。")
    if high is not None and value > Decimal(str(high)):
        raise IndicatorInputError(
            "value", f"数值 {value} 超过 100：{ind.name}单位为%，比重不能大于 100，请填写百分数（如 46.5 表示 46.5%）。")
    return value


def _parse_year(ind: Indicator, raw: Any) -> int:
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        raise IndicatorInputError("year", f"年度“{raw}”无效：请填写四位年份，如 2024。") from None
    start, end = plan_years(ind)
    if not start <= year <= end:
        raise IndicatorInputError(
            "year", f"年度 {year} 超出规划期：{ind.name}的规划期为 {start}—{end} 年，请填写此范围内的年度。")
    if year > dt.date.today().year:
        raise IndicatorInputError("year", f"年度 {year} 尚未到来：只能录入已发生年度的观测值。")
    return year


def _parse_region(ind: Indicator, raw: Any) -> Region:
    code = str(raw or "").strip()
    if not code:
        return ind.jurisdiction
    allowed = {r.code: r for r in region_choices(ind)}
    by_name = {r.name: r for r in allowed.values()}
    if code in allowed:
        return allowed[code]
    if code in by_name:
        return by_name[code]
    if ind.districts:
        hint = "、".join(f"{r.code}（{r.name}）" for r in allowed.values())
        raise IndicatorInputError("region", f"区域“{code}”不适用于该指标：请填写 {hint} 之一，或留空表示全市。")
    raise IndicatorInputError(
        "region", f"区域“{code}”不适用于该指标：{ind.name}只按{ind.jurisdiction.name}整体统计，请留空。")


def _clean(indicator_code: str, year: Any, value: Any, region: Any, source: str, note: str = "",
           reason: str = "") -> tuple[Indicator, int, Decimal, Region]:
    ind = get_indicator(indicator_code)
    y = _parse_year(ind, year)
    v = _parse_value(ind, value)
    r = _parse_region(ind, region)
    if not (source or "").strip():
        raise IndicatorInputError("source", f"请填写数据来源，如“{current().label}统计年鉴2024”或“市科技局统计快报”。")
    for name, label, text in (("source", "数据来源", source), ("note", "备注", note), ("reason", "更正原因", reason)):
        limit = Observation._meta.get_field(name).max_length
        if len((text or "").strip()) > limit:
            raise IndicatorInputError(name, f"{label}过长（{len(text.strip())} 字），最多 {limit} 字，请精简后重试。")
    return ind, y, v, r


CHANGED_BY_OTHERS = "已被他人更正，请刷新后再试。"


def lock_series(ind: Indicator) -> None:
    """Serialise entries and corrections of one statistical series (a row lock on its canonical indicator;
    PostgreSQL). The unique constraint on (series, year, region, version) is the last line on every database."""
    list(Indicator.objects.select_for_update().filter(code=ind.series_code).values_list("pk", flat=True))


def _existing(ind: Indicator, year: int, region: Region) -> Observation | None:
    return current_observations(ind, region).get(year)


@transaction.atomic
def record_observation(indicator_code: str, year: Any, value: Any, *, source: str, user: Any = None,
                       region: Any = "", note: str = "", channel: str = "form") -> Observation:
    """A first value for (indicator, year, region); a second one is refused: corrections go through ``correct``."""
    ind, y, v, r = _clean(indicator_code, year, value, region, source, note)
    lock_series(ind)
    prior = _existing(ind, y, r)
    if prior is not None:
        raise IndicatorInputError(
            "year", f"{ind.name} {y} 年（{r.name}）已有观测值 {prior.value}（第{prior.version}版，来源：{prior.source}）："
                    "重复录入被拒绝；如需修改，请使用“更正”并填写更正原因。")
    try:
        with transaction.atomic():
            obs = Observation.objects.create(indicator=ind, year=y, region=r, value=v, source=source.strip(),
                                             note=note.strip(), entered_by=audit.account(user), channel=channel,
                                             series=ind.series_code)
    except IntegrityError:
        raise IndicatorInputError("year", f"{ind.name} {y} 年刚刚已被他人录入：{CHANGED_BY_OTHERS}") from None
    audit.record(user, "indicators.observation.record", obs, f"{ind.name} {y} {r.name} = {v}",
                 indicator=ind.code, year=y, region=r.code, value=str(v), source=obs.source)
    return obs


@transaction.atomic
def correct_observation(indicator_code: str, year: Any, value: Any, *, source: str, reason: str, user: Any = None,
                        region: Any = "", note: str = "", channel: str = "form",
                        base_version: Any = None) -> Observation:
    """A new version of an existing value; the earlier versions stay as history."""
    ind, y, v, r = _clean(indicator_code, year, value, region, source, note, reason)
    if not (reason or "").strip():
        raise IndicatorInputError("reason", "更正必须填写更正原因，如“统计局正式数据替代快报数”。")
    lock_series(ind)
    prior = _existing(ind, y, r)
    if prior is None:
        raise IndicatorInputError("year", f"{ind.name} {y} 年（{r.name}）还没有观测值：请先录入，再更正。")
    if base_version not in (None, "") and str(prior.version) != str(base_version).strip():
        raise IndicatorInputError("value", f"{ind.name} {y} 年的数值{CHANGED_BY_OTHERS}（现为第{prior.version}版 {prior.value}）")
    group = series_codes(ind)
    version = (Observation.objects.filter(indicator__code__in=group, year=y, region=r)
               .aggregate(m=Max("version"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            obs = Observation.objects.create(indicator=prior.indicator, year=y, region=r, value=v, version=version,
                                             source=source.strip(), note=note.strip(), reason=reason.strip(),
                                             entered_by=audit.account(user), channel=channel, series=ind.series_code)
    except IntegrityError:
        raise IndicatorInputError("value", f"{ind.name} {y} 年的数值{CHANGED_BY_OTHERS}") from None
    audit.record(user, "indicators.observation.correct", obs, f"{ind.name} {y} {r.name}: {prior.value} → {v}",
                 indicator=ind.code, year=y, region=r.code, old=str(prior.value), new=str(v), reason=obs.reason,
                 version=version)
    return obs


def history(ind: Indicator) -> list[Observation]:
    return list(Observation.objects.filter(indicator__code__in=series_codes(ind))
                .select_related("region", "entered_by", "indicator").order_by("-year", "region__code", "-version"))

