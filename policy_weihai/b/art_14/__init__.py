"""威政发〔2023〕5号 第14条: catalogue entries and explanations (parameters, rules and tests beside them)."""

import datetime as dt

import numpy as np

from policy.explain import Context, Custom, pct, result, wan, yuan
from policy.jurisdiction import Provision
from policy_weihai.b.art_14.variables import B14_BUYER_ROLES, B14_CONTRACT_TYPES
from policy_weihai.documents import B

TYPE_NAMES = {"tech_development": "技术开发", "tech_transfer": "技术转让", "tech_licence": "技术许可",
              "tech_consulting": "技术咨询", "tech_service": "技术服务"}


def failures(e: dict, row: dict) -> list[str]:
    """Which condition of 第14条 a buyer-side contract event fails, in Chinese."""
    out = []
    if e["subject"] not in B14_CONTRACT_TYPES:
        name = TYPE_NAMES.get(e["subject"], "未注明类型")
        out.append(f"{name}合同不在补助范围（只补助经备案的技术开发、技术转让合同）")
    if not e.get("registered", True):
        out.append("合同未经技术合同登记备案")
    if not (row.get("is_tech_sme") or row.get("is_high_tech_enterprise")):
        out.append("买方当年不是科技型企业（科技型中小企业或高新技术企业）")
    if not e.get("seller_is_institution", True):
        out.append("卖方不是高校院所")
    if not e.get("seller_local", True):
        out.append("卖方不在威海：只补助与高校院所在威开展的技术转移转化")
    return out


def explain_b14(p, ctx: Context, i: int):
    row = ctx.row(i)
    evs = row["events"]
    per = ctx.per_event("b14_contract_subsidy_event", i)
    total = float(per.sum())
    first, last = (dt.date.fromisoformat(d) for d in B.window)
    failed = [(e, failures(e, row)) for k, e in enumerate(evs)
              if e["kind"] == "tech_contract" and e["role"] in B14_BUYER_ROLES and per[k] == 0
              and first <= e["date"] <= last]
    out = []
    if failed and total == 0 and row["kind"] == "enterprise":
        reasons = sorted({reason for _, rs in failed for reason in rs})
        out.append(result(p, 0, "near", f"技术合同 {len(failed)} 份未获补助", {"contracts": len(failed)},
                          missing=f"{p.document} {p.article}：" + "；".join(reasons)))
    if total > 0:
        paid = [evs[k]["amount"] for k in range(len(evs)) if per[k] > 0]
        cap = ctx.value(p.variable, i)
        over = total > cap + 1e-6
        text = (f"经备案技术合同支付额合计 {wan(sum(paid))} × {pct(total / sum(paid))} = {wan(total)}，"
                + (f"超过每家每年 {wan(cap)} 上限，按 {wan(cap)} 计" if over
                   else f"未超过每家每年 {wan(ctx.params.cap_of_year('b.art_14.cap', ctx.year) or cap)} 上限"))
        unknown = any(not evs[k].get("seller_known") for k in range(len(evs)) if per[k] > 0)
        caveats = ["需核实卖方为在威高校院所、合同已备案"] if unknown else []
        if failed:
            caveats.append(f"另有技术合同 {len(failed)} 份不符合条件：" + "；".join(
                sorted({reason for _, rs in failed for reason in rs})))
        out.append(result(p, cap if over else total, "applies", text,
                          {"contracts": len(paid), "payments": str(yuan(sum(paid)))}, caveats=caveats or None))
    return out


def applies_b14(p, ctx: Context):
    """explain_b14's result that applies: contracts with a subsidy, their sum or the capped amount when above it."""
    total = ctx.sum_by_org(ctx.event_values("b14_contract_subsidy_event"))
    cap = ctx.org_values(p.variable).astype(np.float64)
    return ctx.one_per_org(total > 0, np.where(total > cap + 1e-6, cap, total))


PROVISIONS = [
    Provision("B.14.contract_subsidy", "技术合同购买方补助", B.number, "第14条", "proportional", True, "b14_contract_subsidy",
              "经备案的技术开发、技术转让合同（购买方为企业），按支付金额 5%，每家每年不超过 30 万元", ("enterprise",),
              ("b.art_14.rate", "b.art_14.cap"), window=B.window, cap_parameter="b.art_14.cap",
              explanation=Custom(explain_b14, events=(("tech_contract", None),), applies=applies_b14)),
    Provision("B.14.tech_transfer_agency_ceiling", "市级备案技术转移服务机构绩效优秀补助", B.number, "第14条", "ceiling", True,
              "b14_tech_transfer_agency_ceiling", "市级备案技术转移服务机构年度绩效评价优秀（platform_evaluation，"
              "subject=tech_transfer_agency，level=city，grade=优秀）：每家不超过 10 万元（同一年度合计不超过 10 万元）",
              ("service_provider", "research_institution", "enterprise", "platform"), ("b.art_14.tech_transfer_agency",),
              event_level=False, window=B.window, cap_parameter="b.art_14.tech_transfer_agency"),
]
