"""Reports: vouchers issued, spent and settled by district, category and provider; instrument utilisation; Excel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum

from core import xlsx
from core.xlsx import append_row
from vouchers.models import Category, Voucher, VoucherProgramme, VoucherUse

ZERO = Decimal(0)


def _region_name(regions: dict[int, str], rid: int | None) -> str:
    return regions.get(rid, "—")


def totals(vp: VoucherProgramme, vouchers: QuerySet[Voucher]) -> dict[str, Any]:
    """Sums of one programme within what the viewer may see (``vouchers`` is already scoped)."""
    from registry.models import Region

    regions = dict(Region.objects.values_list("id", "name"))
    vs = vouchers.filter(kind__programme=vp)
    uses = VoucherUse.objects.filter(voucher__in=vs, state__in=("spent", "settled"))
    amount = F("city_amount") + F("province_amount")
    by_district: dict[str, dict[str, Decimal]] = {}
    for rid, issued in vs.values_list("organization__region_id").annotate(s=Sum("amount")).values_list(
            "organization__region_id", "s"):
        by_district.setdefault(_region_name(regions, rid), {})["issued"] = issued or ZERO
    for rid, state, s in uses.values_list("voucher__organization__region_id", "state").annotate(
            s=Sum(amount)).values_list("voucher__organization__region_id", "state", "s"):
        row = by_district.setdefault(_region_name(regions, rid), {})
        row["spent"] = row.get("spent", ZERO) + (s or ZERO)
        if state == "settled":
            row["settled"] = row.get("settled", ZERO) + (s or ZERO)
    by_category = {Category(c).label: {"spent": s or ZERO} for c, s in uses.values_list("record__category")
                   .annotate(s=Sum(amount)).values_list("record__category", "s")}
    by_provider: dict[str, dict[str, Decimal]] = {}
    for name, state, s in uses.values_list("record__provider__organization__name", "state").annotate(
            s=Sum(amount)).values_list("record__provider__organization__name", "state", "s"):
        row = by_provider.setdefault(name, {})
        row["spent"] = row.get("spent", ZERO) + (s or ZERO)
        if state == "settled":
            row["settled"] = row.get("settled", ZERO) + (s or ZERO)
    split = uses.aggregate(c=Sum("city_amount"), p=Sum("province_amount"))
    return {
        "issued": vs.aggregate(s=Sum("amount"))["s"] or ZERO, "count": vs.count(),
        "spent": sum((r.get("spent", ZERO) for r in by_district.values()), ZERO),
        "settled": sum((r.get("settled", ZERO) for r in by_district.values()), ZERO),
        "city": split["c"] or ZERO, "province": split["p"] or ZERO,
        "by_district": sorted(by_district.items()), "by_category": sorted(by_category.items()),
        "by_provider": sorted(by_provider.items(), key=lambda kv: -kv[1].get("spent", ZERO))[:50],
    }


def workbook(vp: VoucherProgramme, t: dict[str, Any], util: list[dict[str, Any]], start: dt.date,
             end: dt.date) -> bytes:
    wb = xlsx.workbook()

    def money(v: Any) -> Any:
        return xlsx.styled(ws, float(v), "#,##0.00")

    ws = wb.create_sheet("按区市")
    append_row(ws, [f"{vp} 创新券发放、使用与结算（元）"])
    append_row(ws, ["区市", "发放", "使用", "结算"])
    for name, r in t["by_district"]:
        ws.append([xlsx.safe_cell(name), money(r.get("issued", 0)), money(r.get("spent", 0)), money(r.get("settled", 0))])
    ws.append(["合计", money(t["issued"]), money(t["spent"]), money(t["settled"])])
    ws = wb.create_sheet("按服务类别")
    append_row(ws, ["服务类别", "使用"])
    for name, r in t["by_category"]:
        ws.append([xlsx.safe_cell(name), money(r["spent"])])
    ws = wb.create_sheet("按服务机构")
    append_row(ws, ["服务机构", "使用", "结算"])
    for name, r in t["by_provider"]:
        ws.append([xlsx.safe_cell(name), money(r.get("spent", 0)), money(r.get("settled", 0))])
    ws = wb.create_sheet("仪器利用率")
    append_row(ws, [f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"])
    append_row(ws, ["仪器", "所属单位", "预约机时", "开放机时", "利用率(%)"])
    for r in util:
        append_row(ws, [str(r["instrument"]), r["instrument"].provider.organization.name,
                        *[xlsx.styled(ws, v, "#,##0.00") if isinstance(v, float) else v
                          for v in (r["booked"], r["available"], r["rate"])]])
    return xlsx.save(wb)
