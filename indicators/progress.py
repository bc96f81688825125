"""Progress arithmetic for one indicator: plain functions over numbers, no database.

Rules (stated on every indicator page):
- level targets: share of the way = (latest − base) / (target − base). Counts and amounts are projected to the
  target year at the compound annual growth rate achieved since the base year; percentages and per-capita
  figures at the average yearly change (linear). The growth the target needs is the same measure from the latest
  year to the target year.
- annual growth targets: the achieved figure is the compound average of the observed yearly growth rates; it is
  compared with the target rate.
- annual points targets: the achieved figure is the average yearly change in percentage points since the base.
- a target is judged by the value of its target year: once the series reaches the target year, later years are
  ignored and the status is final (已达成 / 未达成, ``final``); without a value for the target year itself no final
  verdict is given (数据不足).
- share of the way is never negative (a value below the base counts as 0%) and is left out when the base already
  meets the target (an inverted baseline would turn progress into a negative share).
- status: achieved (已达成) when the latest value meets the target; missed (未达成) when the target year has
  passed without it; otherwise on_track (正常推进) when the projection meets the target, at_risk (存在风险) when
  it covers at least 90% of the way, off_track (滞后) below that; no_data (暂无数据) / insufficient (数据不足)
  when there is nothing to project from.
- base: the baseline of the document when it gives one, else the earliest observation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

AT_RISK_SHARE = 0.9
EPS = 1e-9  # floating-point slack when comparing with a target (62.13 + 3 × 1.0 must meet 65.13)
STATUS_LABELS = {"achieved": "已达成", "on_track": "正常推进", "at_risk": "存在风险", "off_track": "滞后",
                 "missed": "未达成", "no_data": "暂无数据", "insufficient": "数据不足"}
#: One colour per status, the same on every chart: green only for what is reached or on its way.
STATUS_COLORS = {"achieved": "#135c27", "on_track": "#2e7d32", "at_risk": "#b26a00", "off_track": "#c2410c",
                 "missed": "#b3261e", "no_data": "#8a8f98", "insufficient": "#b8bcc4"}


@dataclass
class Progress:
    status: str
    rule: str
    latest_year: int | None = None
    latest_value: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    base_stated: bool = False  # the base is the document's; else the earliest observation (used to extrapolate)
    target_year: int | None = None
    target_value: float | None = None  # for annual_points: the level implied by the base (when known)
    share_of_way: float | None = None
    achieved_rate: float | None = None  # CAGR (fraction), points per year, or average growth (%)
    required_rate: float | None = None
    rate_unit: str = ""
    projection: float | None = None
    projected_share: float | None = None
    path: list[tuple[int, float]] = field(default_factory=list)
    final: bool = False  # the target year has been reached: the status no longer changes
    note: str = ""  # why a share of the way is not shown, or how it was bounded

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def base_text(self) -> str:
        """The base the progress is measured against: "2020年 738", "2018年 560（最早观测）", or "—"."""
        if self.base_value is None:
            return "—"
        return f"{self.base_year}年 {_fmt(self.base_value)}" + ("" if self.base_stated else "（最早观测）")

    def _rate_text(self, x: float | None) -> str:
        if x is None:
            return "—"
        if self.rate_unit == "年均增长率":
            return f"{x * 100:.2f}%"
        if self.rate_unit.startswith("年均增长"):
            return f"{x:.2f}%"
        return _fmt(x, 3)

    @property
    def achieved_text(self) -> str:
        return self._rate_text(self.achieved_rate)

    @property
    def required_text(self) -> str:
        return self._rate_text(self.required_rate)

    @property
    def bar_width(self) -> int:
        return 0 if self.share_of_way is None else int(round(min(max(self.share_of_way, 0.0), 1.0) * 100))

    @property
    def share_text(self) -> str:
        return "—" if self.share_of_way is None else f"{self.share_of_way * 100:.1f}%"

    @property
    def final_text(self) -> str:
        return f"目标年（{self.target_year}年）已过，按{self.target_year}年数值最终判定" if self.final else ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_label"] = self.status_label
        return d


def _fmt(x: float, digits: int = 2) -> str:
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def span(a: int, b: int) -> str:
    """"2021—2025年", or "2025年" when the span is one year (never "2025—2025年")."""
    return f"{a}年" if a == b else f"{a}—{b}年"


def _judged(series: dict[int, float], target_year: int) -> tuple[dict[int, float], bool]:
    """The observations a target is judged on: those up to its target year; final once that year is reached."""
    upto = {y: v for y, v in series.items() if y <= target_year}
    return upto, any(y >= target_year for y in series)


def _share(value: float, base: float, target: float, f=None) -> tuple[float | None, str]:
    """Share of the way from base to target, never negative; none when the base already meets the target."""
    f = f or _fmt
    if target <= base:
        return None, f"基期值{f(base)}已不低于目标{f(target)}，不计算完成进程"
    share = (value - base) / (target - base)
    if share < 0:
        return 0.0, f"当前值{f(value)}低于基期值{f(base)}，完成进程记为0%"
    return share, ""


def cagr(v0: float, v1: float, years: int) -> float | None:
    if years <= 0 or v0 <= 0 or v1 < 0:
        return None
    return (v1 / v0) ** (1 / years) - 1


def target_path(base_year: int, base_value: float, target_year: int, target_value: float,
                compound: bool) -> list[tuple[int, float]]:
    """The yearly path from base to target (compound or linear) drawn against the observed series."""
    n = target_year - base_year
    if n <= 0:
        return [(target_year, target_value)]
    out = []
    rate = cagr(base_value, target_value, n) if compound else None
    for k in range(n + 1):
        if rate is not None:
            v = base_value * (1 + rate) ** k
        else:
            v = base_value + (target_value - base_value) * k / n
        out.append((base_year + k, round(v, 4)))
    return out


def _pick_base(series: dict[int, float], baseline_year: int | None, baseline_value: float | None
               ) -> tuple[int, float] | None:
    if baseline_year is not None and baseline_value is not None:
        return baseline_year, baseline_value
    if baseline_year is not None and baseline_year in series:
        return baseline_year, series[baseline_year]
    if series:
        y = min(series)
        return y, series[y]
    return None


def level_progress(series: dict[int, float], *, baseline_year: int | None, baseline_value: float | None,
                   target_year: int, target_value: float, compound: bool, unit: str = "",
                   now_year: int | None = None, whole: bool = False) -> Progress:
    """Progress towards "reach target_value by target_year", judged on the target year's value once it is there."""
    full = series
    f = (lambda x: _fmt(x, 0)) if whole else _fmt  # counts are read as whole numbers
    series, final = _judged(series, target_year)
    if final and target_year not in series:
        last = max(full)
        return Progress("insufficient", f"目标年（{target_year}年）没有观测值，无法最终判定；"
                        f"最近的观测为{last}年{f(full[last])}{unit}（目标年之后的数值不用于判定）。",
                        target_year=target_year, target_value=target_value, final=True)
    if not series:
        return Progress("no_data", "尚无观测值，无法判断进度。", target_year=target_year, target_value=target_value)
    y, v = max(series.items())
    p = Progress("insufficient", "", latest_year=y, latest_value=v, target_year=target_year, target_value=target_value,
                 final=final)
    base = _pick_base(series, baseline_year, baseline_value)
    if base is not None:
        p.base_year, p.base_value = base
        p.base_stated = baseline_value is not None
        if p.base_stated:
            p.share_of_way, p.note = _share(v, p.base_value, target_value, f)
        elif target_value > 0:  # the document states no base: the way is counted from zero (3 of 30 is 10%)
            p.share_of_way = max(v / target_value, 0.0)
        p.path = target_path(p.base_year, p.base_value, target_year, target_value, compound)
    note = f"（{p.note}）" if p.note else ""
    if v >= target_value - EPS:
        p.status = "achieved"
        when = f"目标年{target_year}年为" if final else f"{y}年为"
        p.rule = f"{when}{f(v)}{unit}，已达到{target_year}年目标{f(target_value)}{unit}{note}。"
        if final:
            p.rule += "目标年已过，此为最终判定。"
        return p
    if final:
        p.status = "missed"
        p.rule = (f"目标年{target_year}年为{f(v)}{unit}，未达到目标{f(target_value)}{unit}{note}。"
                  "目标年已过，此为最终判定。")
        return p
    remaining = target_year - y
    if base is None or y <= p.base_year:
        p.rule = (f"{y}年为{f(v)}{unit}，距目标{f(target_value)}{unit}还差{f(target_value - v)}{unit}；"
                  "需至少两个年度的数据才能外推。")
        if compound:
            p.required_rate, p.rate_unit = cagr(v, target_value, remaining), "年均增长率"
        else:
            p.required_rate, p.rate_unit = (target_value - v) / remaining, "每年增加"
        return p
    elapsed = y - p.base_year
    if compound:
        p.rate_unit = "年均增长率"
        p.achieved_rate = cagr(p.base_value, v, elapsed)
        p.required_rate = cagr(v, target_value, remaining)
        if p.achieved_rate is None:  # base of zero: fall back to the average yearly increase
            compound = False
        else:
            p.projection = v * (1 + p.achieved_rate) ** remaining
            how = f"{span(p.base_year, y)}年均增长{p.achieved_rate * 100:.2f}%，按此复合增长率外推"
            need = f"；实现目标需{span(y + 1, target_year)}年均增长{p.required_rate * 100:.2f}%"
    if not compound:
        p.rate_unit = "每年增加"
        p.achieved_rate = (v - p.base_value) / elapsed
        p.required_rate = (target_value - v) / remaining
        p.projection = v + p.achieved_rate * remaining
        how = f"{span(p.base_year, y)}平均每年增加{_fmt(p.achieved_rate, 3)}{unit}，按此线性外推"
        need = f"；实现目标需每年增加{_fmt(p.required_rate, 3)}{unit}"
    if target_value > p.base_value:
        p.projected_share = max((p.projection - p.base_value) / (target_value - p.base_value), 0.0)
    if p.projection >= target_value - EPS:
        p.status, verdict = "on_track", "达到目标，正常推进"
    elif p.projected_share is not None and p.projected_share >= AT_RISK_SHARE - EPS:
        p.status, verdict = "at_risk", f"完成目标进程的{p.projected_share * 100:.1f}%（≥90%），存在风险"
    else:
        share = f"完成目标进程的{p.projected_share * 100:.1f}%（<90%），" if p.projected_share is not None else ""
        p.status, verdict = "off_track", f"{share}滞后"
    p.rule = (f"{y}年为{f(v)}{unit}{note}；{how}至{target_year}年为{f(p.projection)}{unit}，"
              f"目标{f(target_value)}{unit}：{verdict}{need}。")
    return p


def growth_progress(growth: dict[int, float], *, target_year: int, target_rate: float,
                    start_year: int | None = None) -> Progress:
    """Progress of an "average growth of target_rate % a year" target from observed yearly growth rates (%)."""
    growth, final = _judged(growth, target_year)
    if final and target_year not in growth:
        return Progress("insufficient", f"目标年（{target_year}年）没有观测值，无法最终判定（目标年之后的数值不用于判定）。",
                        target_year=target_year, target_value=target_rate, final=True)
    if not growth:
        return Progress("no_data", "尚无观测值，无法判断进度。", target_year=target_year, target_value=target_rate)
    years = sorted(growth)
    y = years[-1]
    factor = 1.0
    for g in years:
        factor *= 1 + growth[g] / 100
    avg = (factor ** (1 / len(years)) - 1) * 100
    p = Progress("insufficient", "", latest_year=y, latest_value=growth[y], target_year=target_year,
                 target_value=target_rate, achieved_rate=avg, required_rate=target_rate, rate_unit="年均增长（%）",
                 projection=avg, final=final)
    years_needed = target_year - (start_year if start_year is not None else years[0] - 1)
    if years_needed > 0 and target_rate > 0:
        p.share_of_way = max((factor - 1) / ((1 + target_rate / 100) ** years_needed - 1), 0.0)
    label = span(years[0], y)
    if avg >= target_rate - EPS:
        p.status = "achieved" if final else "on_track"
        p.rule = f"{label}年均增长{avg:.2f}%，不低于目标年均{_fmt(target_rate)}%。"
        if final:
            p.rule += "目标年已过，此为最终判定。"
    elif final:
        p.status = "missed"
        p.rule = f"{label}年均增长{avg:.2f}%，低于目标年均{_fmt(target_rate)}%。目标年已过，此为最终判定。"
    elif avg >= AT_RISK_SHARE * target_rate:
        p.status = "at_risk"
        p.rule = f"{label}年均增长{avg:.2f}%，达到目标年均{_fmt(target_rate)}%的90%以上但未达到：存在风险。"
    else:
        p.status = "off_track"
        p.rule = f"{label}年均增长{avg:.2f}%，不足目标年均{_fmt(target_rate)}%的90%：滞后。"
    return p


def points_progress(series: dict[int, float], *, baseline_year: int | None, baseline_value: float | None,
                    target_year: int, points_per_year: float) -> Progress:
    """Progress of "raise the share by N percentage points a year": a level target at base + N × years."""
    base = _pick_base(_judged(series, target_year)[0], baseline_year, baseline_value)
    if base is None:
        if series:
            return Progress("insufficient", f"目标年（{target_year}年）及以前没有观测值，无法判定。", target_year=target_year,
                            final=max(series) >= target_year)
        return Progress("no_data", "尚无观测值，无法判断进度。", target_year=target_year)
    target = base[1] + points_per_year * (target_year - base[0])
    p = level_progress(series, baseline_year=base[0], baseline_value=base[1], target_year=target_year,
                       target_value=target, compound=False, unit="%")
    p.rule = (f"按{base[0]}年{_fmt(base[1])}%每年提高{_fmt(points_per_year)}个百分点，{target_year}年应达到"
              f"{_fmt(target)}%。" + p.rule)
    if p.achieved_rate is not None:
        p.rate_unit = "每年提高（百分点）"
    p.base_stated = baseline_value is not None
    return p
