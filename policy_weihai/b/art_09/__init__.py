"""威政发〔2023〕5号 第9条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import Context, Custom, pct, pct_short_of, result, wan
from policy.jurisdiction import Provision
from policy_weihai.documents import B


def candidates_b09(ctx: Context):
    """Enterprises holding a high-tech or tech-SME qualification, in a year B is in force on 31 December, whose R&D
    expense of either year is unknown or zero (a near miss: no increment) or grew (an amount or a near miss): those
    whose expense is known and did not grow get no sentence. (The arrays hold an unknown expense as 0.)"""
    if ctx.on("b.art_09.growth_threshold", f"{ctx.year}-12-31") is None:
        return ctx.positive("b09_rd_growth_subsidy")
    names = ("org_is_enterprise", "is_high_tech_enterprise", "is_tech_sme", "rd_expense", "rd_expense_prev")
    enterprise, hte, sme, now, before = (ctx.org_input(n) for n in names)
    if enterprise is None or hte is None or sme is None:
        return ctx.all()
    mask = enterprise & (hte | sme)
    if now is not None and before is not None:
        mask &= (before <= 0) | (now == 0) | (now > before)
    return mask


def _b09_parameters(ctx: Context) -> tuple | None:
    """B 第9条's parameters on 31 December of the year (interpretation b09_reference_date) and their texts, read once
    per explain() call; None when B is not in force that day."""
    end = f"{ctx.year}-12-31"
    growth_min = ctx.on("b.art_09.growth_threshold", end)
    if growth_min is None:
        return None
    increment_min = ctx.on("b.art_09.increment_threshold", end) or 0.0
    rate, cap = ctx.on("b.art_09.rate", end) or 0.0, ctx.on("b.art_09.cap", end) or 0.0
    return growth_min, increment_min, rate, cap, pct(growth_min), wan(increment_min), pct(rate), wan(cap)


def explain_b09(p, ctx: Context, i: int):
    k = ctx.once("b.art_09", _b09_parameters)
    if k is None:
        return []
    growth_min, increment_min, rate, cap, growth_min_text, increment_min_text, rate_text, cap_text = k
    c = ctx.columns()
    if c["kind"][i] != "enterprise" or not (c["is_high_tech_enterprise"][i] or c["is_tech_sme"][i]):
        return []
    amount = ctx.value(p.variable, i)
    now, before = c["rd_expense"][i], c["rd_expense_prev"][i]
    facts = {"rd_expense": now, "rd_expense_prev": before}
    if now is None or before is None or before <= 0:
        return [result(p, 0, "near", "", facts, missing="缺少本年或上年研发投入，无法计算研发投入增量")]
    inc = now - before
    growth = inc / before
    inc_text, growth_text = wan(inc), pct_short_of(growth, growth_min)
    base = f"研发投入 {wan(now)}，上年 {wan(before)}，增量 {inc_text}（增长 {growth_text}）"
    if amount > 0:
        raw = inc * rate
        text = f"{base}；研发投入增量 {inc_text} × {rate_text} = {wan(raw)}，"
        text += f"超过每家每年 {cap_text} 上限，按 {cap_text} 计" if raw > cap else f"未超过每家每年 {cap_text} 上限"
        return [result(p, amount, "applies", text, facts)]
    if inc <= 0:
        return []
    gaps = []
    if growth < growth_min - 1e-12:
        gaps.append(f"研发投入增长 {growth_text}，未达到 {growth_min_text}")
    if inc <= increment_min:
        gaps.append(f"增量 {inc_text}，未超过 {increment_min_text}")
    if not c["above_designated_size"][i]:
        gaps.append("非规模以上企业")
    if not c["rd_active"][i]:
        gaps.append("无研发活动")
    if gaps:
        return [result(p, 0, "near", base, facts, missing="；".join(gaps))]
    return []


def applies_b09(p, ctx: Context):
    """explain_b09's results that apply: B in force on 31 December, an enterprise holding a qualification, last year's
    R&D expense above zero and an amount. (This year's expense unknown reaches the rule as 0: an increment below zero,
    under an increment threshold that cannot be negative, so no amount.)"""
    if ctx.on("b.art_09.growth_threshold", f"{ctx.year}-12-31") is None:
        return ctx.none()
    amount = ctx.org_values(p.variable)
    ok = (ctx.org_values("org_is_enterprise").astype(bool)
          & (ctx.org_values("is_high_tech_enterprise").astype(bool) | ctx.org_values("is_tech_sme").astype(bool))
          & (ctx.org_values("rd_expense_prev") > 0) & (amount > 0))
    return ctx.one_per_org(ok, amount)


PROVISIONS = [
    Provision("B.09.rd_growth_subsidy", "研发投入递增补助", B.number, "第9条", "proportional", True, "b09_rd_growth_subsidy",
              "规上、有研发活动的高企或科技型中小企业，研发投入增长≥10% 且增量>100 万元", ("enterprise",),
              ("b.art_09.rate", "b.art_09.cap", "b.art_09.growth_threshold", "b.art_09.increment_threshold"),
              event_level=False, interpretations=("b09_reference_date",), window=B.window,
              cap_parameter="b.art_09.cap",
              explanation=Custom(explain_b09, org_mask=candidates_b09, applies=applies_b09)),
]
