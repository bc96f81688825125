"""威政发〔2023〕5号 第17条: catalogue entries and explanations (parameters, rules and tests beside them)."""

import numpy as np

from policy.explain import Context, Custom, pct, pct_short_of, result, wan
from policy.jurisdiction import Provision
from policy_weihai.documents import B


def candidates_b17(ctx: Context):
    certified = ctx.org_input("hte_certified")
    return ctx.all() if certified is None else certified.astype(bool)


def explain_b17(p, ctx: Context, i: int):
    c = ctx.columns()
    if not c["hte_certified"][i] or c["kind"][i] != "enterprise":
        return []
    on = c["hte_certified_on"][i]
    threshold = ctx.on("b.art_17.cagr_threshold", on)
    if threshold is None:  # B not in force on the certification date
        return []
    amount, cagr = ctx.value(p.variable, i), ctx.value("hte_sales_cagr", i)
    y3, y1 = c["sales_revenue_y3"][i], c["sales_revenue_y1"][i]
    facts = {"sales_revenue_y3": y3, "sales_revenue_y1": y1, "hte_certified_on": on.isoformat()}
    if amount > 0:
        return [result(p, amount, "applies",
                       f"{on} 通过高企认定，近3年销售收入复合增长率 {pct(cagr)} ≥ {pct(threshold)}，一次性奖励 {wan(amount)}",
                       facts)]
    if not y3 or not y1:
        return [result(p, 0, "near", "当年通过高企认定", facts, missing="缺少认定年前第 3 年或前 1 年的销售收入，无法计算复合增长率")]
    if cagr < threshold:
        return [result(p, 0, "near", "当年通过高企认定", facts,
                       missing=f"近3年销售收入复合增长率 {pct_short_of(cagr, threshold)}，未达到 {pct(threshold)}")]
    return []


def applies_b17(p, ctx: Context):
    """explain_b17's result that applies: a certified enterprise with an amount, B in force on the certification date."""
    amount = ctx.org_values(p.variable)
    ok = ctx.org_values("hte_certified").astype(bool) & ctx.org_values("org_is_enterprise").astype(bool) & (amount > 0)
    where = np.flatnonzero(ok)
    ok[where] = ~np.isnan(ctx.on_dates("b.art_17.cagr_threshold", ctx.org_values("hte_certified_on")[where]))
    return ctx.one_per_org(ok, amount)


PROVISIONS = [
    Provision("B.17.hte_growth_reward", "当年通过认定高企成长性奖励", B.number, "第17条", "one_time", False,
              "b17_hte_growth_reward", "当年通过高新技术企业认定且近 3 年销售收入复合增长率≥10%", ("enterprise",),
              ("b.art_17.reward", "b.art_17.cagr_threshold"), event_level=False,
              interpretations=("b17_cagr_prior_years", "b17_includes_recertification"), window=B.window,
              explanation=Custom(explain_b17, org_mask=candidates_b17, applies=applies_b17)),
    Provision("B.17.cultivation_agency_ceiling", "高新技术企业认定培育机构奖励", B.number, "第17条", "ceiling", True,
              "b17_cultivation_agency_ceiling", "开展高企认定培育的机构经绩效评价（platform_evaluation，subject=hte_cultivation_agency）："
              "不超过 50 万元", ("service_provider", "research_institution", "enterprise", "platform"),
              ("b.art_17.cultivation_agency",), window=B.window),
]
