"""威政发〔2023〕5号 第25条: catalogue entries and explanations (parameters, rules and tests beside them)."""

import datetime as dt

import numpy as np

from policy.explain import Context, Custom, member, pct, result, wan
from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.variables.sme import REFERENCE as SME_STANDARD
from policy_weihai.variables.sme import SECTORS, SIZE_NAMES

#: provision → (per-event variable, event subject, rate parameter, yearly cap parameter)
ITEMS = {"B.25.ip_loan_interest": ("b25_ip_loan_interest_event", "ip_pledge_loan", "b.art_25.loan_interest_share",
                                   "b.art_25.loan_interest_cap"),
         "B.25.ip_evaluation_fee": ("b25_ip_evaluation_fee_event", "ip_evaluation_fee", "b.art_25.evaluation_fee_rate",
                                    "b.art_25.evaluation_fee_cap"),
         "B.25.ip_insurance": ("b25_ip_insurance_event", "ip_pledge_insurance", "b.art_25.insurance_rate",
                               "b.art_25.insurance_cap")}


def explain_b25(p, ctx: Context, i: int):
    """Each item and the yearly cap; a loan whose LPR month is missing is 'near', never a silent zero."""
    variable, subject, rate_path, cap_path = ITEMS[p.id]
    row = ctx.row(i)
    evs = row["events"]
    per = ctx.per_event(variable, i)
    lpr = ctx.per_event("b25_ip_loan_lpr", i)
    amount = ctx.value(p.variable, i)
    first, last = (dt.date.fromisoformat(d) for d in B.window)
    size = int(ctx.org_values("sme_size")[i]) if "sme_size" in ctx.arrays else 5
    parts, missing, not_sme = [], [], 0
    for k, e in enumerate(evs):
        if e["kind"] != "financing" or e["subject"] != subject:
            continue
        if row["kind"] != "enterprise" or not first <= e["date"] <= last:
            continue
        if size in (0, 4):  # 第25条 鼓励中小微企业: a large enterprise, or a size the facts do not decide
            not_sme += 1
            continue
        rate = ctx.on(rate_path, e["date"]) or 0.0
        if p.id == "B.25.ip_loan_interest":
            before = e["date"].replace(day=1) - dt.timedelta(days=1)
            prev = before.strftime("%Y-%m")
            if np.isnan(lpr[k]):
                missing.append(f"缺少 {before.year} 年 {before.month} 月 1 年期 LPR，录入后自动计算"
                               f"（{e['date']} 签订的贷款按上月 LPR 贴息）")
                continue
            if per[k] <= 0:
                continue
            parts.append(f"{e['title'] or '贷款'} {wan(e['amount'])}（{e['date']} 签订，上月 {prev} 1年期LPR {lpr[k]:.2f}%）"
                         f"× {lpr[k]:.2f}% × {pct(rate)} = {wan(per[k])}")
        elif per[k] > 0:
            parts.append(f"{e['date']} 实际发生 {wan(e['amount'])} × {pct(rate)} = {wan(per[k])}")
    out = []
    if parts:
        total = float(per.sum())
        cap_text = wan(ctx.params.cap_of_year(cap_path, ctx.year) or amount)
        text = "；".join(parts) + (f"；合计 {wan(total)}，超过每年最高 {cap_text}，按上限计" if total > amount + 1e-6
                                   else f"；合计 {wan(total)}，未超过每年最高 {cap_text}")
        out.append(result(p, amount, "applies", text, {"items": len(parts)}))
    if missing:
        out.append(result(p, 0, "near", "", {"items_without_lpr": len(missing)}, missing="；".join(missing)))
    if not_sme:
        out.append(sme_result(p, row, size, not_sme))
    return out


def sme_result(p, row: dict, size: int, items: int):
    """第25条 supports 中小微企业 only: a large enterprise is told why, an unknown size what to provide."""
    figures = "，".join(text for text in (
        f"从业人员 {row['employees']:g} 人" if row.get("employees") is not None else "",
        f"营业收入 {wan(row['operating_revenue'])}" if row.get("operating_revenue") is not None else "",
        f"资产总额 {wan(row['total_assets'])}" if row.get("total_assets") is not None else "",
        f"行业：{SECTORS[row['industry_sector']]}" if row.get("industry_sector") in SECTORS else "") if text)
    if size == 4:
        return result(p, 0, "not_applicable", f"{items} 笔不予支持", {"items": items, "sme_size": SIZE_NAMES[4]},
                      missing=f"按{SME_STANDARD}为大型企业（{figures or '申报'}）：{p.document} {p.article}只支持中小微企业")
    return result(p, 0, "near", f"{items} 笔待核实企业规模", {"items": items},
                  missing=f"需为中小微企业：请在年度数据中填写从业人员、营业收入（销售收入）、资产总额，并在主体信息中选择所属行业；"
                          f"或在年度数据中申报企业规模（按{SME_STANDARD}划型）"
                          + (f"（已知：{figures}）" if figures else ""))


def applies_b25(p, ctx: Context):
    """explain_b25's result that applies: an enterprise's item of the subject within B's window with an amount (a
    loan with its LPR month), one result of the capped amount."""
    variable, subject, _, _ = ITEMS[p.id]
    per = ctx.event_values(variable)
    events = np.flatnonzero(per > 0)
    if p.id == "B.25.ip_loan_interest":
        events = events[~np.isnan(ctx.event_values("b25_ip_loan_lpr")[events])]
    dates = ctx.event_values("event_date")[events].astype("datetime64[D]")
    first, last = (np.datetime64(d, "D") for d in B.window)
    ok = (member(ctx.event_values("event_kind")[events], ("financing",))
          & member(ctx.event_values("event_subject")[events], (subject,))
          & member(ctx.event_values("event_org_kind")[events], ("enterprise",)) & (dates >= first) & (dates <= last))
    return ctx.one_per_org(ctx.any_event(events[ok]), ctx.org_values(p.variable))


PROVISIONS = [
    Provision("B.25.ip_loan_interest", "知识产权质押贷款贴息", B.number, "第25条", "proportional", False, "b25_ip_loan_interest",
              "知识产权质押贷款（融资事件 subject=ip_pledge_loan，金额=贷款额，日期=合同签订日）：贷款额×上月1年期LPR×20%，年最高 20 万元",
              ("enterprise",), ("b.art_25.loan_interest_share", "b.art_25.loan_interest_cap"), window=B.window,
              interpretations=("b25_interest_basis",), cap_parameter="b.art_25.loan_interest_cap",
              explanation=Custom(explain_b25, events=(("financing", ("ip_pledge_loan",)),), applies=applies_b25)),
    Provision("B.25.ip_evaluation_fee", "知识产权质押评估费补贴", B.number, "第25条", "proportional", False,
              "b25_ip_evaluation_fee", "评估费（分析评价费）实际发生额×30%，最高 5 万元（subject=ip_evaluation_fee）",
              ("enterprise",), ("b.art_25.evaluation_fee_rate", "b.art_25.evaluation_fee_cap"), window=B.window,
              cap_parameter="b.art_25.evaluation_fee_cap",
              explanation=Custom(explain_b25, events=(("financing", ("ip_evaluation_fee",)),), applies=applies_b25)),
    Provision("B.25.ip_insurance", "知识产权质押保险保费补贴", B.number, "第25条", "proportional", False, "b25_ip_insurance",
              "知识产权质押保险保费实际发生额×20%，最高 2 万元（subject=ip_pledge_insurance）", ("enterprise",),
              ("b.art_25.insurance_rate", "b.art_25.insurance_cap"), window=B.window,
              cap_parameter="b.art_25.insurance_cap",
              explanation=Custom(explain_b25, events=(("financing", ("ip_pledge_insurance",)),),
                                 applies=applies_b25)),
]
