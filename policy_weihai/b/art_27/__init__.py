"""威政发〔2023〕5号 第27条: catalogue entries and explanations (parameters, rules and tests beside them)."""

import numpy as np

from policy.explain import Context, Custom, cite, event_facts, pct, result, wan, yuan
from policy.jurisdiction import Provision
from policy_weihai.documents import B

ELIGIBLE = ("is_tech_sme", "is_high_tech_enterprise", "is_leading_tech_enterprise", "is_specialised_sme")


def explain_b27(p, ctx: Context, i: int):
    """The interest subsidy ceiling = min(loans, loan cap) × rate (the subsidy rate itself is not stated)."""
    row = ctx.row(i)
    evs = row["events"]
    loans = ctx.per_event("b27_tech_bank_loan_amount", i)
    amount = ctx.value(p.variable, i)
    counted = [(e, float(loans[k])) for k, e in enumerate(evs) if loans[k] > 0]
    if not counted:
        eligible = any(row.get(q) for q in ELIGIBLE)
        for e in evs:
            if (e["kind"] == "financing" and e["subject"] == "tech_bank_loan" and row["kind"] == "enterprise"
                    and not eligible and ctx.on("b.art_27.loan_cap", e["date"]) is not None):
                return [result(p, 0, "near", ctx.event_label(e), event_facts(e),
                               missing="需为科技型中小企业、高新技术企业、科技领军企业或市级及以上专精特新中小企业")]
        return []
    total = sum(v for _, v in counted)
    loan_cap = ctx.params.cap_of_year("b.art_27.loan_cap", ctx.year) or 0.0
    rate = ctx.params.cap_of_year("b.art_27.interest_cap_rate", ctx.year) or 0.0
    base = min(total, loan_cap)
    text = f"科技支行贷款 {len(counted)} 笔，余额合计 {wan(total)}"
    text += (f"，超过每年享受贴息的贷款上限 {wan(loan_cap)}，按 {wan(loan_cap)} 计" if total > loan_cap else "")
    text += f"；贴息上限 = {wan(base)} × {pct(rate)} = 不超过 {wan(amount)}（需评审）{cite(p)}"
    return [result(p, amount, "applies", text, {"loans": len(counted), "loan_total": str(yuan(total))},
                   caveats=["贴息期限一般不超过 5 年；“一企一技术”研发中心企业也可享受（平台尚未登记该资格，请向市科技局核实）"])]


def applies_b27(p, ctx: Context):
    """explain_b27's result that applies: a counted loan, one result of the ceiling."""
    counted = np.flatnonzero(ctx.event_values("b27_tech_bank_loan_amount") > 0)
    return ctx.one_per_org(ctx.any_event(counted), ctx.org_values(p.variable))


PROVISIONS = [
    Provision("B.27.tech_bank_loan_interest_ceiling", "科技支行贷款贴息上限", B.number, "第27条", "ceiling", True,
              "b27_tech_bank_loan_interest_ceiling", "科技型中小企业、高企、科技领军企业、市级及以上专精特新企业通过科技支行贷款（financing，"
              "subject=tech_bank_loan，amount=贷款余额）：贴息不超过 min(贷款余额, 3000 万元)×1%", ("enterprise",),
              ("b.art_27.loan_cap", "b.art_27.interest_cap_rate"), event_level=False, window=B.window,
              cap_parameter="b.art_27.loan_cap",
              explanation=Custom(explain_b27, events=(("financing", ("tech_bank_loan",)),), applies=applies_b27)),
]
