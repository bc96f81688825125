"""The two estimators, taken from the field's libraries rather than written here.

* Regression discontinuity: ``rdrobust`` (Calonico, Cattaneo and Titiunik): local linear fit on each side of the
  threshold, triangular kernel, the MSE-optimal common bandwidth ("mserd"), the conventional point estimate and the
  robust bias-corrected 95 % interval, standard errors clustered by organisation (a firm can sit near the threshold
  in several years). Where not every qualifying firm was paid (claims are not automatic) it is the fuzzy design,
  with payment as the treatment: the effect on firms that are paid because they cross the threshold.
* Difference-in-differences: ``linearmodels.PanelOLS`` with fixed effects, on a stacked panel: each year's paid
  firms (a cohort) with their own comparison firms over the two years before the qualifying year, that year and the
  year after; firm × cohort and cohort × year fixed effects, weights from the matching, errors clustered by
  organisation. The pre-trend check is the same regression with the treated group's years before as separate terms,
  their joint Wald test; a p-value below 0.05 withholds the estimate. linearmodels rather than pyfixest: its
  wheels need no compiler or numba (pyfixest pins numba, which lags NumPy releases), it absorbs two sets of
  effects with clustered errors, and the result object carries the Wald test; statsmodels alone would need the
  fixed effects as dummies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Fewest paid firms (and comparison firms) an estimate is reported with.
MIN_TREATED = 30
MIN_COMPARISON = 30
#: Fewest firms on each side of the threshold within the bandwidth.
MIN_SIDE = 20
#: Firm-years nearest the threshold on each side that a large city's RD is computed on.
NEAREST = 20_000
PRETREND_ALPHA = 0.05


@dataclass
class Estimate:
    method: str  # the method's name in plain Chinese
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str = ""  # why there is no estimate ("样本不足：…", "事前趋势不同：…", "无明确门槛：…")
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.estimate is not None and not self.reason

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "reason": self.reason, "details": self.details}


RD_NAME = "断点回归（门槛两侧局部线性拟合，三角核，均方误差最优带宽，稳健偏差校正置信区间）"
DID_NAME = "双重差分（分年度堆叠，企业与年度固定效应，按企业聚类标准误，含事前趋势检验）"


def _finite(*values: float) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def regression_discontinuity(running: np.ndarray, outcome: np.ndarray, treated: np.ndarray,
                             cluster: np.ndarray, covariates: np.ndarray | None = None) -> Estimate:
    """RD at 0 of ``running`` (≥ 0 qualifies). ``treated`` (paid) makes it fuzzy where compliance is incomplete.
    ``covariates`` (pre-payment figures, one column each) only narrow the interval (Calonico et al. 2019).

    A large city is first cut to the ``NEAREST`` firm-years nearest the threshold on each side (rdrobust's run time
    grows with all observations, while only those within the bandwidth count); the bandwidth is then chosen on
    that cut, and the result says whether it stayed inside it."""
    from rdrobust import rdrobust

    est = Estimate(RD_NAME)
    ok = np.isfinite(running) & np.isfinite(outcome)
    if covariates is not None:
        ok &= np.isfinite(covariates).all(axis=1)
    x, y, d, g = running[ok], outcome[ok], treated[ok].astype(float), cluster[ok]
    z = covariates[ok] if covariates is not None else None
    cut = None
    if (x < 0).sum() > NEAREST or (x >= 0).sum() > NEAREST:
        below, above_x = np.sort(-x[x < 0]), np.sort(x[x >= 0])
        cut = float(min(below[min(NEAREST, len(below)) - 1] if len(below) else np.inf,
                        above_x[min(NEAREST, len(above_x)) - 1] if len(above_x) else np.inf))
        keep = np.abs(x) <= cut
        x, y, d, g = x[keep], y[keep], d[keep], g[keep]
        z = z[keep] if z is not None else None
        est.details["trimmed_to"] = cut
    above = x >= 0
    est.details.update(n_below=int((~above).sum()), n_above=int(above.sum()), paid=int(d.sum()))
    if d.sum() < MIN_TREATED:
        est.reason = f"样本不足：门槛附近获得补助的企业仅 {int(d.sum())} 家（至少需要 {MIN_TREATED} 家）"
        return est
    if (~above).sum() < MIN_SIDE or above.sum() < MIN_SIDE:
        est.reason = (f"样本不足：门槛以下 {int((~above).sum())} 家、以上 {int(above.sum())} 家（每侧至少需要 "
                      f"{MIN_SIDE} 家）")
        return est
    compliance = float(d[above].mean()) if above.any() else 0.0
    below_paid = float(d[~above].mean()) if (~above).any() else 0.0
    fuzzy = compliance < 0.95 or below_paid > 0.05
    est.details.update(compliance=compliance, design="fuzzy" if fuzzy else "sharp")
    try:
        r = rdrobust(y, x, c=0.0, fuzzy=d if fuzzy else None, cluster=g, covs=z, bwselect="mserd")
    except Exception as exc:  # degenerate data (e.g. no variation within the bandwidth)
        est.reason = f"样本不足：门槛附近的数据不足以拟合（{type(exc).__name__}）"
        return est
    n_left, n_right = (int(v) for v in r.N_h)
    h = float(np.asarray(r.bws).ravel()[0])
    est.details.update(bandwidth=h, n_left=n_left, n_right=n_right, bandwidth_rule="均方误差最优带宽，两侧共用")
    if cut is not None:
        est.details["bandwidth_inside_cut"] = bool(h < cut)
    if n_left < MIN_SIDE or n_right < MIN_SIDE:
        est.reason = f"样本不足：带宽内门槛以下 {n_left} 家、以上 {n_right} 家（每侧至少需要 {MIN_SIDE} 家）"
        return est
    coef = float(np.asarray(r.coef).ravel()[0])
    ci = np.asarray(r.ci)
    low, high = float(ci[2, 0]), float(ci[2, 1])  # rows: conventional, bias-corrected, robust
    if not _finite(coef, low, high):
        est.reason = "样本不足：门槛附近的数据不足以估计"
        return est
    est.estimate, est.ci_low, est.ci_high = coef, low, high
    est.details["se"] = float(np.asarray(r.se).ravel()[2])
    return est


def rd_bins(running: np.ndarray, outcome: np.ndarray, width: float, bins: int = 10) -> list[dict[str, float]]:
    """Mean outcome in equal bins on each side of the threshold within ``width`` (the RD chart's points)."""
    ok = np.isfinite(running) & np.isfinite(outcome) & (np.abs(running) <= width)
    x, y = running[ok], outcome[ok]
    if not len(x) or width <= 0:
        return []
    edges = np.linspace(-width, width, 2 * bins + 1)
    k = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 2 * bins - 1)
    count = np.bincount(k, minlength=2 * bins)
    total = np.bincount(k, weights=y, minlength=2 * bins)
    return [{"x": float((edges[i] + edges[i + 1]) / 2), "y": float(total[i] / count[i]), "n": int(count[i])}
            for i in range(2 * bins) if count[i]]


@dataclass
class Stack:
    """The stacked panel: one row per (firm copy, year)."""

    frame: pd.DataFrame  # columns: unit, org, cohort, year, rel, treated, weight, y


def difference_in_differences(stack: Stack) -> Estimate:
    from linearmodels import PanelOLS

    est = Estimate(DID_NAME)
    f = stack.frame
    treated_units = f.loc[f.treated == 1, "unit"].nunique()
    control_orgs = f.loc[f.treated == 0, "org"].nunique()
    est.details.update(treated=int(treated_units), comparison=int(control_orgs))
    if treated_units < MIN_TREATED:
        est.reason = f"样本不足：获得补助且数据完整的企业仅 {treated_units} 家（至少需要 {MIN_TREATED} 家）"
        return est
    if control_orgs < MIN_COMPARISON:
        est.reason = f"样本不足：可比较的企业仅 {control_orgs} 家（至少需要 {MIN_COMPARISON} 家）"
        return est
    data = f.copy()
    data["cohort_year"] = data.cohort.astype(np.int64) * 10_000 + data.year.astype(np.int64)
    data["post"] = ((data.rel > 0) & (data.treated == 1)).astype(float)
    for k in sorted(set(data.rel.unique()) - {0}):
        data[f"lead_{k}"] = ((data.rel == k) & (data.treated == 1)).astype(float)
    data = data.set_index(["unit", "year"])
    clusters = pd.DataFrame({"org": data["org"].to_numpy()}, index=data.index)
    effects = data[["cohort_year"]]
    try:
        main = PanelOLS(data.y, data[["post"]], entity_effects=True, other_effects=effects,
                        weights=data.weight).fit(cov_type="clustered", clusters=clusters)
        pre = [c for c in data.columns if c.startswith("lead_-")]
        post_terms = [c for c in data.columns if c.startswith("lead_") and c not in pre]
        event = PanelOLS(data.y, data[pre + post_terms], entity_effects=True, other_effects=effects,
                         weights=data.weight).fit(cov_type="clustered", clusters=clusters)
    except Exception as exc:  # collinear or empty designs
        est.reason = f"样本不足：数据不足以拟合固定效应模型（{type(exc).__name__}）"
        return est
    coef = float(main.params["post"])
    low, high = (float(v) for v in main.conf_int().loc["post"])
    event_terms = {c: {"estimate": float(event.params[c]), "ci_low": float(event.conf_int().loc[c, "lower"]),
                       "ci_high": float(event.conf_int().loc[c, "upper"])} for c in pre + post_terms}
    est.details["event_study"] = [{"rel": int(c.split("_", 1)[1]), **v} for c, v in event_terms.items()]
    est.details["event_study"].append({"rel": 0, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0})
    est.details["event_study"].sort(key=lambda r: r["rel"])
    if pre:
        restriction = np.zeros((len(pre), len(pre) + len(post_terms)))
        for i in range(len(pre)):
            restriction[i, i] = 1.0
        wald = event.wald_test(restriction, np.zeros(len(pre)))
        p = float(wald.pval)
        est.details["pretrend_p"] = p
        if not math.isfinite(p):
            est.reason = "事前趋势无法检验：补助前的数据不足"
            return est
        if p < PRETREND_ALPHA:
            est.reason = (f"事前趋势不同：补助前两组的走势已有差异（联合检验 p = {p:.3f} < {PRETREND_ALPHA}），"
                          "双重差分的前提不成立，不报告估计值")
            est.details["estimate_withheld"] = {"estimate": coef, "ci_low": low, "ci_high": high}
            return est
    if not _finite(coef, low, high):
        est.reason = "样本不足：数据不足以估计"
        return est
    est.estimate, est.ci_low, est.ci_high = coef, low, high
    est.details["se"] = float(main.std_errors["post"])
    return est
