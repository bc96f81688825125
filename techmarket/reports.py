"""Staff figures of the technology market: needs by kind and chain, the matching rate, response times, the funnel,
registered contracts by type and district; ECharts options and an Excel workbook of the same figures."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from core import xlsx
from core.xlsx import append_row
from techmarket import access
from techmarket.models import ContractParty, ContractType, ListingStatus, Match, NeedKind, TechContract

ACCEPT_WINDOW = dt.timedelta(days=30)


def funnel(matches: QuerySet[Match]) -> list[tuple[str, int]]:
    counts = dict(matches.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(label, counts.get(code, 0)) for code, label in Match.Status.choices]


def matching_rate(needs: QuerySet, matches: QuerySet[Match]) -> tuple[float | None, int, int]:
    """Share of listed needs with at least one match accepted (进入洽谈) within 30 days of posting."""
    listed = needs.exclude(status__in=[ListingStatus.PENDING, ListingStatus.REJECTED])
    created = dict(listed.values_list("id", "created_at"))
    ok = {nid for nid, at in matches.filter(need_id__in=created, accepted_at__isnull=False).values_list(
        "need_id", "accepted_at") if at - created[nid] <= ACCEPT_WINDOW}
    return (len(ok) / len(created) if created else None), len(ok), len(created)


def median_first_response_hours(matches: QuerySet[Match]) -> float | None:
    """Median hours from a match to its first response. A response recorded before its match (impossible, and
    refused at input and by the database) is left out rather than shown as a negative duration."""
    rows = matches.filter(first_response_at__gte=F("created_at")).values_list("created_at", "first_response_at")
    hours = [(b - a).total_seconds() / 3600 for a, b in rows]
    return max(statistics.median(hours), 0.0) if hours else None


def build(user: Any) -> dict[str, Any]:
    needs, matches = access.needs(user), access.matches(user)
    contracts = access.contracts(user).filter(status=TechContract.Status.REGISTERED)
    kinds = dict(needs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    chains = list(needs.values_list("industry_chain__name").annotate(n=Count("id")).order_by("-n"))
    rate, ok, listed = matching_rate(needs, matches)
    by_type = {r["contract_type"]: r for r in contracts.order_by().values("contract_type").annotate(
        n=Count("id", distinct=True), amount=Sum("amount"), tx=Sum("transaction_amount"))}
    by_district: dict[str, dict[str, Any]] = {}
    buyers = ContractParty.objects.filter(contract__in=contracts, role="buyer").values_list(
        "organization__region__name", "contract__amount", "contract__transaction_amount")
    for region, amount, tx in buyers:
        row = by_district.setdefault(region or "市外或未登记买方", {"n": 0, "amount": Decimal(0), "tx": Decimal(0)})
        row["n"] += 1
        row["amount"] += amount
        row["tx"] += tx
    brokers = [(r["broker__name"], r["n"], r["signed"], r["contracts"]) for r in matches.filter(
        broker__isnull=False).order_by().values("broker__name").annotate(
        n=Count("id", distinct=True), signed=Count("id", filter=Q(status=Match.Status.SIGNED), distinct=True),
        contracts=Count("contracts", filter=Q(contracts__status=TechContract.Status.REGISTERED), distinct=True))]
    return {
        "brokers": brokers,
        "needs_by_kind": [(label, kinds.get(code, 0)) for code, label in NeedKind.choices],
        "needs_by_chain": [(name or "未选择产业链", n) for name, n in chains],
        "matching_rate": rate, "accepted_needs": ok, "listed_needs": listed,
        "median_response_hours": median_first_response_hours(matches),
        "funnel": funnel(matches),
        "contracts_by_type": [(label, by_type.get(code, {}).get("n", 0), by_type.get(code, {}).get("amount") or 0,
                               by_type.get(code, {}).get("tx") or 0) for code, label in ContractType.choices],
        "contracts_by_district": sorted(((k, v["n"], v["amount"], v["tx"]) for k, v in by_district.items()),
                                        key=lambda r: -r[3]),
    }


def chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """ECharts options (as plain data; the page serialises them with json_script)."""
    def bar(rows, title):
        return {"title": {"text": title, "textStyle": {"fontSize": 14}}, "tooltip": {},
                "xAxis": {"type": "category", "data": [r[0] for r in rows], "axisLabel": {"interval": 0, "rotate": 30}},
                "yAxis": {"type": "value"}, "series": [{"type": "bar", "data": [r[1] for r in rows]}]}
    return {"kind": bar(data["needs_by_kind"], "技术需求（按第7条类别）"),
            "chain": bar(data["needs_by_chain"], "技术需求（按产业链）"),
            "funnel": bar(data["funnel"], "对接漏斗"),
            "contracts": {**bar([(r[0], float(r[3]) / 10000) for r in data["contracts_by_type"]],
                                "已登记技术合同技术交易额（万元）")}}


def to_excel(data: dict[str, Any]) -> bytes:
    wb = xlsx.workbook()
    ws = wb.create_sheet("概况")
    rate = data["matching_rate"]
    append_row(ws, ["指标", "数值"])
    append_row(ws, ["对接成功率（30天内有对接进入洽谈的需求占比）", f"{rate * 100:.1f}%" if rate is not None else "暂无"])
    append_row(ws, ["其中：有对接的需求数", data["accepted_needs"]])
    append_row(ws, ["已公开需求数", data["listed_needs"]])
    med = data["median_response_hours"]
    append_row(ws, ["首次响应时间中位数（小时）", round(med, 1) if med is not None else "暂无"])
    for title, header, rows in (("需求类别", ["类别", "需求数"], data["needs_by_kind"]),
                                ("需求产业链", ["产业链", "需求数"], data["needs_by_chain"]),
                                ("对接漏斗", ["状态", "对接数"], data["funnel"]),
                                ("合同类型", ["合同类型", "份数", "合同金额（元）", "技术交易额（元）"],
                                 data["contracts_by_type"]),
                                ("合同区市", ["区市", "份数", "合同金额（元）", "技术交易额（元）"],
                                 data["contracts_by_district"]),
                                ("技术转移机构", ["机构", "促成对接", "签约", "已登记合同"], data["brokers"])):
        sheet = wb.create_sheet(title)
        append_row(sheet, header)
        for r in rows:
            append_row(sheet, [float(x) if isinstance(x, Decimal) else x for x in r])
    return xlsx.save(wb)
