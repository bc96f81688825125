"""Policy impact evaluation (政策成效评估, document C 九（四）): did the money change what firms did?

For a provision, an outcome and a range of qualifying years: the paid firms (from the ledger, through funding's
services), the firms the provision concerns and who qualified (``evaluation.provisions``), their yearly facts
(``evaluation.data``), a regression discontinuity where the provision has a sharp threshold and a
difference-in-differences against comparison firms (``evaluation.methods``), the effect in plain Chinese with its
95 % interval or the reason there is none, and cost-effectiveness by district. Pages, API, CLI and the job call this
module; everything is computed in columns.

The result holds aggregates and the data behind every chart; firms appear only under pseudonyms made for the run
(HMAC of the organisation id), never with names, credit codes or bank details, so a result may be shown to a
third-party evaluator as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import access
from core.audit import record
from evaluation import methods
from evaluation.data import Panel, add_payments, load_panel
from evaluation.models import EvaluationRun
from evaluation.provisions import OUTCOMES, SPECS, Outcome, Spec

logger = logging.getLogger(__name__)

#: A firm "missed by little" when it is this close below the threshold (running variable units: growth rates).
NEAR_MISS_BAND = 0.05
#: De-identified sample rows kept with a result (the rest are counted, not listed).
SAMPLE_LIMIT = 20_000
#: Years before the qualifying year in the difference-in-differences window (and one after).
PRE_YEARS = 2

Progress = Callable[[int, str], None]


class EvaluationInputError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# ------------------------------------------------------------------------------------------- access


def can_start(user: Any) -> bool:
    return access.role_of(user) in ("bureau", "evaluator")


def can_read(user: Any) -> bool:
    return access.role_of(user) in ("bureau", "finance", "evaluator")


def visible_runs(user: Any) -> QuerySet[EvaluationRun]:
    """Bureau and finance staff see every evaluation; a third-party evaluator its own and those opened to it."""
    role = access.role_of(user)
    qs = EvaluationRun.objects.select_related("created_by")
    if role in ("bureau", "finance"):
        return qs
    if role == "evaluator":
        return qs.filter(Q(created_by=user) | Q(shared_with_evaluators=True))
    return qs.none()


def is_deidentified_reader(user: Any) -> bool:
    return access.role_of(user) == "evaluator"


# ------------------------------------------------------------------------------------------- runs


def check_request(provision_id: Any, outcome: Any, year_from: Any, year_to: Any) -> tuple[str, str, int, int]:
    provision_id, outcome = str(provision_id or "").strip(), str(outcome or "rd_expense").strip()
    if provision_id not in SPECS:
        raise EvaluationInputError(f"条款：无法评估 {provision_id!r}，可选：" + "、".join(
            f"{s.citation} {s.title}（{s.provision_id}）" for s in SPECS.values()), "provision_id")
    if outcome not in OUTCOMES:
        raise EvaluationInputError("结果指标：可选 " + "、".join(f"{o.label}（{o.key}）" for o in OUTCOMES.values()),
                                   "outcome")
    years = []
    for value, name, label in ((year_from, "year_from", "起始年度"), (year_to, "year_to", "截止年度")):
        try:
            year = int(str(value).strip())
        except (TypeError, ValueError):
            raise EvaluationInputError(f"{label}：请填写四位年份，如 2024。", name) from None
        if not 2000 <= year <= dt.date.today().year:
            raise EvaluationInputError(f"{label}：应在 2000 年至 {dt.date.today().year} 年之间。", name)
        years.append(year)
    if years[0] > years[1]:
        raise EvaluationInputError("截止年度：不能早于起始年度。", "year_to")
    return provision_id, outcome, years[0], years[1]


def start_run(user: Any, provision_id: Any, outcome: Any, year_from: Any, year_to: Any) -> EvaluationRun:
    """Record the request and queue the job (run at once when the queue is immediate)."""
    if not can_start(user):
        raise EvaluationInputError("只有市科技局工作人员和第三方评估机构可以发起政策成效评估。")
    provision_id, outcome, year_from, year_to = check_request(provision_id, outcome, year_from, year_to)
    run = EvaluationRun.objects.create(provision_id=provision_id, outcome=outcome, year_from=year_from,
                                       year_to=year_to, created_by=user)
    record(user, "evaluation.start", run, f"发起政策成效评估 {SPECS[provision_id].citation} {year_from}–{year_to}")
    from evaluation.tasks import enqueue

    enqueue(run.pk)
    run.refresh_from_db()
    return run


def share(user: Any, run: EvaluationRun, shared: bool) -> EvaluationRun:
    if access.role_of(user) != "bureau":
        raise EvaluationInputError("只有市科技局工作人员可以向第三方评估机构开放评估结果。")
    run.shared_with_evaluators = shared
    run.save(update_fields=["shared_with_evaluators"])
    record(user, "evaluation.share" if shared else "evaluation.unshare", run,
           ("开放" if shared else "收回") + f"评估结果 #{run.pk}")
    return run


def execute_run(run_id: int) -> EvaluationRun:
    """The job: compute and store the result, with progress; a failure is stored with its reason, never lost."""
    run = EvaluationRun.objects.get(pk=run_id)
    if run.status == EvaluationRun.Status.DONE:
        return run
    started = time.perf_counter()
    EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.RUNNING, started_at=timezone.now(),
                                                   progress=1, stage="读取数据")

    def progress(percent: int, stage: str) -> None:
        EvaluationRun.objects.filter(pk=run.pk).update(progress=min(99, percent), stage=stage[:60])

    try:
        result = evaluate(run.provision_id, run.outcome, run.year_from, run.year_to, salt=f"run:{run.pk}",
                          progress=progress)
    except Exception as exc:  # stored for the page; the traceback goes to the log
        logger.exception("evaluation run %s failed", run.pk)
        EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.FAILED, error=str(exc)[:2000],
                                                       finished_at=timezone.now(),
                                                       compute_seconds=time.perf_counter() - started)
    else:
        EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.DONE, result=result, progress=100,
                                                       stage="完成", finished_at=timezone.now(),
                                                       compute_seconds=time.perf_counter() - started)
    run.refresh_from_db()
    return run


# ------------------------------------------------------------------------------------------- the evaluation


def pseudonym(salt: str, org_id: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{salt}:{org_id}".encode(), hashlib.sha256).hexdigest()
    return "E" + digest[:10].upper()


def _outcome_levels(panel: Panel, outcome: Outcome, year: int) -> np.ndarray:
    return panel.col(outcome.key, year)


def _transform(outcome: Outcome, values: np.ndarray) -> np.ndarray:
    """The scale estimates are made on: log for money (effects in percent), the level for counts."""
    if outcome.money:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(values > 0, np.log(values), np.nan)
    return values.astype(float)


def _first_paid_year(panel: Panel) -> np.ndarray:
    """The first year each firm was paid under the provision (0: never, within the panel's years)."""
    paid = panel.paid if panel.paid is not None else np.zeros((panel.n, len(panel.years)))
    any_paid = paid > 0
    first = np.where(any_paid.any(axis=1), np.array(panel.years)[any_paid.argmax(axis=1)], 0)
    return first.astype(np.int64)


def evaluate(provision_id: str, outcome_key: str, year_from: int, year_to: int, salt: str = "",
             progress: Progress | None = None) -> dict[str, Any]:
    spec, outcome = SPECS[provision_id], OUTCOMES[outcome_key]
    progress = progress or (lambda p, s: None)
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    first_year = year_from - max(spec.lags, PRE_YEARS)
    panel = load_panel(first_year, year_to + 1, (*spec.fields, outcome.key, "sales_revenue"))
    outside = add_payments(panel, provision_id)
    timings["read"] = time.perf_counter() - clock
    progress(40, "确定补助组与对照组")
    first_paid = _first_paid_year(panel)
    never_paid = first_paid == 0
    cohorts: list[dict[str, Any]] = []
    rd_parts: list[tuple[np.ndarray, ...]] = []
    designs = {}
    for year in range(year_from, year_to + 1):
        design = spec.design(panel, year) if panel.has(year) else None
        designs[year] = design
        paid_now = panel.paid_in(year) > 0
        row = {"year": year, "in_force": design is not None, "paid": int(paid_now.sum()),
               "paid_amount": float(panel.paid_in(year).sum())}
        if design is not None:
            row.update(population=int(design.population.sum()), eligible=int(design.eligible.sum()),
                       eligible_unpaid=int((design.eligible & ~paid_now).sum()),
                       paid_not_eligible=int((paid_now & ~design.eligible).sum()))
            if design.running is not None:
                near = design.population & (design.running < 0) & (design.running >= -NEAR_MISS_BAND)
                row["near_miss"] = int(near.sum())
                if panel.has(year + 1):
                    sample = design.population & ((first_paid == 0) | (first_paid >= year))
                    y = _transform(outcome, _outcome_levels(panel, outcome, year + 1)) - _transform(
                        outcome, _outcome_levels(panel, outcome, year))
                    idx = np.flatnonzero(sample)
                    covs = np.column_stack([_transform(outcome, _outcome_levels(panel, outcome, year))[idx],
                                            _transform(outcome, _outcome_levels(panel, outcome, year - 1))[idx],
                                            _transform(OUTCOMES["sales_revenue"], panel.col("sales_revenue", year))[idx]])
                    rd_parts.append((design.running[idx], y[idx], paid_now[idx], idx, np.full(len(idx), year), covs))
        cohorts.append(row)
    result: dict[str, Any] = {
        "provision": {"id": spec.provision_id, "title": spec.title, "citation": spec.citation,
                      "threshold": spec.threshold, "running": spec.running_label},
        "outcome": {"key": outcome.key, "label": outcome.label, "unit": outcome.unit, "money": outcome.money},
        "years": [year_from, year_to], "cohorts": cohorts, "paid_outside_panel": outside,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
    result["paid_firms"] = int(sum(c["paid"] for c in cohorts))
    result["paid_amount"] = float(sum(c["paid_amount"] for c in cohorts))
    if all(not c["in_force"] for c in cohorts):
        result["not_in_force"] = f"{spec.citation} 在 {year_from}–{year_to} 年均不在施行期，没有可评估的兑现。"

    progress(55, "断点回归")
    samples: list[dict[str, Any]] = []
    if not spec.has_threshold:
        rd = methods.Estimate(methods.RD_NAME, reason=f"无明确门槛：{spec.threshold}，不做断点回归")
    elif not rd_parts:
        rd = methods.Estimate(methods.RD_NAME, reason="样本不足：所选年度没有下一年的数据可比较")
    else:
        x, y, d, idx, cohort = (np.concatenate([p[k] for p in rd_parts]) for k in range(5))
        covs = np.concatenate([p[5] for p in rd_parts])
        rd = methods.regression_discontinuity(x, y, d, idx, covs)
        rd.details["covariates"] = f"补助当年和上一年的{outcome.label}、当年销售收入（均为补助前数据）"
        h = rd.details.get("bandwidth") or float(np.nanpercentile(np.abs(x), 25)) if len(x) else 0.0
        result["rd_chart"] = {"bins": methods.rd_bins(x, y, 2 * h if h else 0.0), "bandwidth": h}
        near = np.isfinite(x) & (np.abs(x) <= (h or 0.0))
        for k in np.flatnonzero(near)[:SAMPLE_LIMIT // 2]:
            samples.append({"id": pseudonym(salt, int(panel.ids[idx[k]])), "design": "断点回归", "cohort": int(cohort[k]),
                            "district": int(panel.region_ids[idx[k]]), "running": float(x[k]),
                            "paid": bool(d[k]), "outcome_change": None if not math.isfinite(y[k]) else float(y[k])})
        result["rd_sample_size"] = int(near.sum())
    timings["rd"] = time.perf_counter() - clock - sum(timings.values())

    progress(70, "双重差分")
    stack, comparison, paths, did_units = _stack(panel, spec, outcome, designs, first_paid, never_paid)
    result["comparison"] = comparison
    result["paths"] = paths
    if stack is None:
        did = methods.Estimate(methods.DID_NAME, reason=comparison.get("reason", "样本不足"))
    else:
        did = methods.difference_in_differences(stack)
        for u in did_units[:SAMPLE_LIMIT // 2]:
            samples.append({"id": pseudonym(salt, int(panel.ids[u["i"]])), "design": "双重差分", "cohort": u["cohort"],
                            "district": int(panel.region_ids[u["i"]]), "paid": u["treated"], "weight": u["weight"],
                            **{f"y{rel:+d}": v for rel, v in u["path"].items()}})
    timings["did"] = time.perf_counter() - clock - sum(timings.values())

    result["rd"] = rd.as_dict()
    result["did"] = did.as_dict()
    base = _treated_base(panel, outcome, first_paid, year_from, year_to)
    for key, est in (("rd", rd), ("did", did)):
        result[key]["sentence"] = sentence(est, outcome, base)
        result[key].update(_in_units(est, outcome, base))
    progress(90, "成本效益")
    result["cost_effectiveness"] = _cost_effectiveness(panel, outcome, first_paid, year_from, year_to,
                                                       did if did.ok else rd)
    _name_districts(result, samples)
    result["sample"] = samples
    result["sample_note"] = (f"去标识样本：断点回归带宽内 {result.get('rd_sample_size', 0)} 家·年、双重差分 "
                             f"{len(did_units)} 家·年（各至多列出 {SAMPLE_LIMIT // 2} 条）。编号为本次评估专用的"
                             "假名，不含名称、信用代码和银行信息。")
    timings["total"] = time.perf_counter() - clock
    result["timings"] = {k: round(v, 3) for k, v in timings.items()}
    result["panel_size"] = {"enterprises": int(panel.n), "years": panel.years}
    return result


def _stack(panel: Panel, spec: Spec, outcome: Outcome, designs: dict[int, Any], first_paid: np.ndarray,
           never_paid: np.ndarray) -> tuple[methods.Stack | None, dict[str, Any], dict[str, Any], list[dict]]:
    """Each year's newly paid firms and their matched comparison firms over [t − 2, t + 1], stacked.

    A cohort is the firms that qualify in year t for the first time among the years evaluated: those paid that year
    are treated, those never paid are the comparison. Firms that qualified in an earlier year are left out of
    later cohorts on both sides: otherwise the paid side would hold only firms that did *not* qualify the year
    before (they would have been paid then) and the unpaid side firms of every history — a difference in the years
    before payment that has nothing to do with the money (the pre-trend test finds it at once in a large city)."""
    rels = list(range(-PRE_YEARS, 2))
    per_cohort = []
    eligible_unpaid_total = 0
    qualified_before = np.zeros(panel.n, dtype=bool)
    for year, design in designs.items():
        if design is None:
            continue
        first_time = design.eligible & ~qualified_before
        fresh = ~qualified_before
        qualified_before = qualified_before | design.eligible
        if not all(panel.has(year + r) for r in rels):
            continue
        levels = np.column_stack([_outcome_levels(panel, outcome, year + r) for r in rels])
        scaled = _transform(outcome, levels)
        complete = np.isfinite(scaled).all(axis=1)
        treated = np.flatnonzero((first_paid == year) & first_time & complete)
        eligible_unpaid = np.flatnonzero(first_time & never_paid & complete)
        near = (np.flatnonzero(design.population & fresh & never_paid & complete & (design.running < 0)
                               & (design.running >= -NEAR_MISS_BAND))
                if design.running is not None else np.array([], dtype=np.int64))
        eligible_unpaid_total += len(eligible_unpaid)
        per_cohort.append((year, treated, eligible_unpaid, near, levels, scaled))
    use_near = eligible_unpaid_total < methods.MIN_COMPARISON
    kind = ("near_miss" if use_near else "eligible_unpaid")
    comparison: dict[str, Any] = {
        "kind": kind,
        "label": (f"差一点达标的企业（低于门槛 {NEAR_MISS_BAND * 100:.0f} 个百分点以内，未获补助）" if use_near
                  else "符合条件但未获补助（未申报）的企业"),
        "cohort": "每年首次符合条件的企业：当年获得补助的为补助组，从未获得补助的为对照组",
        "matching": "同一年度内按补助当年结果指标的最近邻匹配（1:1，可重复使用，以匹配次数为权重）",
    }
    if use_near and not spec.has_threshold:
        comparison["reason"] = (f"样本不足：符合条件但未获补助的企业仅 {eligible_unpaid_total} 家（至少需要 "
                                f"{methods.MIN_COMPARISON} 家），且该条款没有可用于找“差一点达标”企业的门槛")
    frames, units = [], []
    path_sum = {"treated": np.zeros(len(rels)), "comparison": np.zeros(len(rels))}
    path_weight = {"treated": 0.0, "comparison": 0.0}
    treated_n, control_n = 0, 0
    for year, treated, eligible_unpaid, near, levels, scaled in per_cohort:
        pool = near if use_near else eligible_unpaid
        if not len(treated) or not len(pool):
            continue
        # nearest neighbour on the qualifying year's outcome (on the estimation scale), with replacement
        key_pool = scaled[pool, PRE_YEARS]
        order = np.argsort(key_pool, kind="stable")
        sorted_keys = key_pool[order]
        pos = np.clip(np.searchsorted(sorted_keys, scaled[treated, PRE_YEARS]), 1, max(len(pool) - 1, 1))
        if len(pool) == 1:
            best = np.zeros(len(treated), dtype=np.int64)
        else:
            left, right = sorted_keys[pos - 1], sorted_keys[np.minimum(pos, len(pool) - 1)]
            target = scaled[treated, PRE_YEARS]
            best = np.where(np.abs(target - left) <= np.abs(right - target), pos - 1, np.minimum(pos, len(pool) - 1))
        matched, weight = np.unique(pool[order[best]], return_counts=True)
        treated_n += len(treated)
        control_n += len(matched)
        for group, members, w in (("treated", treated, np.ones(len(treated))), ("comparison", matched,
                                                                                 weight.astype(float))):
            n = len(members)
            frames.append(pd.DataFrame({
                "unit": np.repeat((year * (panel.n + 1) + members).astype(np.int64), len(rels)),
                "org": np.repeat(members, len(rels)), "cohort": year,
                "year": np.tile(np.array(rels) + year, n), "rel": np.tile(rels, n),
                "treated": int(group == "treated"), "weight": np.repeat(w, len(rels)),
                "y": scaled[members].ravel(),
            }))
            show = levels[members] / (1e4 if outcome.money else 1.0)
            path_sum[group] += (show * w[:, None]).sum(axis=0)
            path_weight[group] += float(w.sum())
            if len(units) < SAMPLE_LIMIT // 2:
                for k, i in enumerate(members[: SAMPLE_LIMIT // 2]):
                    units.append({"i": int(i), "cohort": year, "treated": group == "treated", "weight": float(w[k]),
                                  "path": {r: float(show[k, j]) for j, r in enumerate(rels)}})
    comparison.update(treated=treated_n, matched=control_n)
    paths = {"rel": rels, "unit": outcome.unit,
             "treated": [None if not path_weight["treated"] else float(v / path_weight["treated"])
                         for v in path_sum["treated"]],
             "comparison": [None if not path_weight["comparison"] else float(v / path_weight["comparison"])
                            for v in path_sum["comparison"]]}
    if "reason" in comparison:
        return None, comparison, paths, units
    if not frames:
        comparison["reason"] = "样本不足：没有前后年度数据完整的补助企业或可比较企业"
        return None, comparison, paths, units
    return methods.Stack(pd.concat(frames, ignore_index=True)), comparison, paths, units


def _treated_base(panel: Panel, outcome: Outcome, first_paid: np.ndarray, year_from: int,
                  year_to: int) -> dict[str, float]:
    """The paid firms' outcome in their qualifying year: what a percentage effect is a percentage of."""
    values = []
    for year in range(year_from, year_to + 1):
        who = first_paid == year
        if who.any() and panel.has(year):
            values.append(_outcome_levels(panel, outcome, year)[who])
    v = np.concatenate(values) if values else np.array([])
    v = v[np.isfinite(v)]
    return {"mean": float(v.mean()) if len(v) else float("nan"), "n": int(len(v))}


def _wan(yuan: float) -> str:
    return f"{yuan / 1e4:,.2f} 万元"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _in_units(est: methods.Estimate, outcome: Outcome, base: dict[str, float]) -> dict[str, Any]:
    """The estimate on the outcome's own scale: percent (and 万元 per firm) for money, the unit for counts."""
    if not est.ok:
        return {}
    if outcome.money:
        pct = [math.expm1(v) for v in (est.estimate, est.ci_low, est.ci_high)]
        out = {"percent": pct[0], "percent_low": pct[1], "percent_high": pct[2]}
        if math.isfinite(base["mean"]):
            out.update({"per_firm_wan": pct[0] * base["mean"] / 1e4, "per_firm_wan_low": pct[1] * base["mean"] / 1e4,
                        "per_firm_wan_high": pct[2] * base["mean"] / 1e4})
        return out
    return {"per_firm": est.estimate, "per_firm_low": est.ci_low, "per_firm_high": est.ci_high}


def sentence(est: methods.Estimate, outcome: Outcome, base: dict[str, float]) -> str:
    """The finding as a clerk would read it aloud."""
    if not est.ok:
        return est.reason
    u = _in_units(est, outcome, base)
    significant = est.ci_low > 0 or est.ci_high < 0
    tail = "" if significant else "；区间包含 0，不能认为补助有效果"
    if outcome.money:
        more = "多" if u["percent"] >= 0 else "少"
        text = (f"获得补助的企业次年{outcome.label}平均{more}增长 {_pct(abs(u['percent']))}（95% 置信区间 "
                f"{_pct(u['percent_low'])}–{_pct(u['percent_high'])}）")
        if "per_firm_wan" in u:
            text += (f"，按补助企业当年平均{outcome.label} {_wan(base['mean'])} 折算约每家 {u['per_firm_wan']:,.2f} 万元"
                     f"（{u['per_firm_wan_low']:,.2f}–{u['per_firm_wan_high']:,.2f} 万元）")
        return text + tail
    more = "多" if est.estimate >= 0 else "少"
    return (f"获得补助的企业次年{outcome.label}平均{more} {abs(est.estimate):,.2f} {outcome.unit}（95% 置信区间 "
            f"{est.ci_low:,.2f}–{est.ci_high:,.2f} {outcome.unit}）{tail}")


def _cost_effectiveness(panel: Panel, outcome: Outcome, first_paid: np.ndarray, year_from: int, year_to: int,
                        est: methods.Estimate) -> dict[str, Any]:
    """Yuan paid per unit of estimated effect, for the city and by district. Each paid firm's effect is the estimate
    applied to its own qualifying-year outcome (money) or the estimate itself (counts)."""
    unit_label = "万元" if outcome.money else outcome.unit
    out: dict[str, Any] = {"unit": f"元/{unit_label}", "method": est.method, "rows": []}
    if not est.ok:
        out["reason"] = f"没有可用的效应估计，无法计算成本效益（{est.reason}）"
    paid_total = np.zeros(panel.n)
    effect_units = np.zeros(panel.n)
    for year in range(year_from, year_to + 1):
        if not panel.has(year):
            continue
        paid_total += panel.paid_in(year)
        who = first_paid == year
        if est.ok and who.any():
            base = _outcome_levels(panel, outcome, year)
            if outcome.money:
                effect_units[who] = np.nan_to_num(base[who]) * math.expm1(est.estimate) / 1e4
            else:
                effect_units[who] = est.estimate
    paid_any = paid_total > 0
    frame = pd.DataFrame({"district": panel.region_ids[paid_any], "paid": paid_total[paid_any],
                          "effect": effect_units[paid_any]})
    groups = frame.groupby("district").agg(firms=("paid", "size"), paid=("paid", "sum"), effect=("effect", "sum"))
    total = {"district": 0, "firms": int(paid_any.sum()), "paid": float(frame.paid.sum()),
             "effect": float(frame.effect.sum())}
    rows = [{"district": int(d), "firms": int(r.firms), "paid": float(r.paid), "effect": float(r.effect)}
            for d, r in groups.iterrows()]
    for r in [total, *rows]:
        r["yuan_per_unit"] = (r["paid"] / r["effect"]) if est.ok and r["effect"] > 0 else None
    out["total"] = total
    out["rows"] = sorted(rows, key=lambda r: -r["paid"])
    if est.ok and not (est.ci_low > 0 or est.ci_high < 0):
        out["caution"] = "效应的置信区间包含 0，成本效益仅供参考。"
    return out


def _name_districts(result: dict[str, Any], samples: list[dict[str, Any]]) -> None:
    from registry.models import Region

    ids = {r["district"] for r in result["cost_effectiveness"]["rows"]} | {s["district"] for s in samples}
    names = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name"))
    for r in result["cost_effectiveness"]["rows"]:
        r["district_name"] = names.get(r["district"], "")
    result["cost_effectiveness"]["total"]["district_name"] = "全市"
    for s in samples:
        s["district"] = names.get(s["district"], "")


def summary(run: EvaluationRun) -> dict[str, Any]:
    """The run as the API and CLI give it: request, status and (when done) the result without the sample."""
    out = {"id": run.pk, "provision_id": run.provision_id, "outcome": run.outcome, "year_from": run.year_from,
           "year_to": run.year_to, "status": run.status, "status_display": run.get_status_display(),
           "progress": run.progress, "stage": run.stage, "error": run.error,
           "shared_with_evaluators": run.shared_with_evaluators, "created_at": run.created_at,
           "finished_at": run.finished_at, "compute_seconds": run.compute_seconds}
    if run.status == EvaluationRun.Status.DONE:
        out["result"] = {k: v for k, v in run.result.items() if k != "sample"}
    return out


def choices() -> dict[str, list[tuple[str, str]]]:
    return {"provisions": [(s.provision_id, f"{s.citation} {s.title}") for s in SPECS.values()],
            "outcomes": [(o.key, f"{o.label}（{o.unit}）") for o in OUTCOMES.values()]}
