"""Indicators the registry can count: each key of the catalogue's ``computed`` field is one function here.

Every function takes a year and a queryset filter for the area, and returns the figure for 31 December of that
year (or the year's total); ``by_region`` gives the same figure per district or zone. A count of zero is reported
as "no registry data" (None), because an empty registry says nothing about the city.

Pages and reports do not call these functions on a request: they read the figures kept in a table
(``indicators.counts``), which calls them per indicator and year, all regions at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from registry.models import (
    AnnualFacts,
    CultivationPool,
    CultivationPoolEntry,
    Level,
    Organization,
    OrganizationKind,
    PlatformType,
    Qualification,
    QualificationKind,
    Recognition,
    RecognitionKind,
    Region,
)

#: Technology innovation platforms (C 二（三）"省级以上各类技术创新平台"): not incubation carriers nor agencies.
TECH_PLATFORM_TYPES = (
    PlatformType.NATIONAL_KEY_LABORATORY, PlatformType.KEY_LABORATORY, PlatformType.TECHNOLOGY_INNOVATION_CENTER,
    PlatformType.CLINICAL_RESEARCH_CENTER, PlatformType.MANUFACTURING_INNOVATION_CENTER,
    PlatformType.NEW_RD_INSTITUTION, PlatformType.ENGINEERING_RESEARCH_CENTER, PlatformType.PILOT_BASE,
    PlatformType.INTERNATIONAL_COOPERATION_BASE, PlatformType.ACADEMICIAN_WORKSTATION,
)
#: Incubation carriers (C 二（三）"专业化孵化载体", D 二（一）3 "各类孵化机构").
INCUBATION_TYPES = (
    PlatformType.INCUBATOR, PlatformType.MAKERSPACE, PlatformType.UNIVERSITY_SCIENCE_PARK,
    PlatformType.ACCELERATOR, PlatformType.RURAL_MAKERSPACE,
)
PROVINCIAL_PLUS = (Level.PROVINCIAL, Level.NATIONAL)
YI = Decimal(100_000_000)  # 1 亿元

LABELS = {
    "high_tech_enterprises": "年末认定有效的高新技术企业（资质有效期覆盖12月31日）",
    "tech_smes": "年末有效的科技型中小企业入库登记",
    "new_high_tech_enterprises": "当年首次认定的高新技术企业",
    "provincial_platforms": "年末前获批的省级、国家级技术创新平台（按成立/获批日期）",
    "national_platforms": "年末前获批的国家级技术创新平台",
    "all_platforms": "年末前获批的各级各类创新平台/载体",
    "new_platforms": "当年获批的各级各类创新平台/载体",
    "incubation_carriers": "年末前获批的省级以上孵化器、众创空间、大学科技园、加速器、星创天地（含登记为孵化载体的运营主体）",
    "incubated_hte_cumulative": "在孵名册中的企业在孵期间首次认定为高新技术企业的累计数（按认定日所在载体的区市）",
    "provincial_communities": "年末前获批的省级以上创新创业共同体",
    "rd_active_share": "当年规上工业企业中年度数据填报“有研发活动”的比例",
    "rd_expense_above_size": "当年规上工业企业年度数据中研发投入合计（亿元）",
    "rd_expense_above_size_growth": "规上工业企业研发投入合计比上年增长（%）",
    "enterprises_revenue_10bn": "当年主营业务收入超过100亿元的企业",
    "enterprises_revenue_100bn": "当年主营业务收入超过1000亿元的企业",
    "hte_pool": "年末在高企培育库中的企业",
    "tech_contract_turnover": "当年登记的技术合同技术交易额（亿元，高新技术市场技术合同登记）",
}


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def area_q(prefix: str, region_codes: list[str] | None) -> Q:
    """Filter to organisations in the given regions or the zones under them (or anywhere, for the whole city): the
    regions' ids read first, so that the database filters organisations on their own region column (an index) rather
    than on an OR across two joined region tables, which no index serves."""
    if not region_codes:
        return Q()
    ids = list(Region.objects.filter(Q(code__in=region_codes) | Q(parent__code__in=region_codes))
               .values_list("id", flat=True))
    return Q(**{f"{prefix}region_id__in": ids})


def _org_count(qs: QuerySet, field: str, region_field: str, by_region: bool) -> dict[str, float] | float:
    if by_region:
        rows = qs.values(region_field).annotate(n=Count(field, distinct=True))
        return {r[region_field]: float(r["n"]) for r in rows}
    return float(qs.aggregate(n=Count(field, distinct=True))["n"])


def _qualified(kind: str, year: int, area: list[str] | None, by_region: bool):
    qs = Qualification.objects.filter(Qualification.in_force(_year_end(year)), kind=kind).filter(
        area_q("organization__", area))
    return _org_count(qs, "organization", "organization__region__code", by_region)


def _platforms(year: int, area: list[str] | None, by_region: bool, *, types=None, levels=None, only_year=False):
    qs = Organization.objects.filter(kind=OrganizationKind.PLATFORM, established_on__lte=_year_end(year))
    if only_year:
        qs = qs.filter(established_on__gte=dt.date(year, 1, 1))
    if types:
        qs = qs.filter(platform_type__in=types)
    if levels:
        qs = qs.filter(level__in=levels)
    return _org_count(qs.filter(area_q("", area)), "id", "region__code", by_region)


def _above_size_ids(year: int) -> QuerySet:
    return Qualification.objects.filter(kind=QualificationKind.ABOVE_DESIGNATED_SIZE, valid_from__lte=_year_end(year),
                                        valid_to__gte=dt.date(year, 1, 1)).values("organization_id")


def _rd_active_share(year: int, area: list[str] | None, by_region: bool):
    qs = AnnualFacts.objects.filter(year=year, organization_id__in=_above_size_ids(year)).filter(
        area_q("organization__", area))
    agg = {"n": Count("id"), "active": Count("id", filter=Q(rd_active=True))}
    if by_region:
        rows = qs.values("organization__region__code").annotate(**agg)
        return {r["organization__region__code"]: 100.0 * r["active"] / r["n"] for r in rows if r["n"]}
    r = qs.aggregate(**agg)
    return 100.0 * r["active"] / r["n"] if r["n"] else 0.0


def _rd_expense(year: int, area: list[str] | None, by_region: bool):
    qs = AnnualFacts.objects.filter(year=year, organization_id__in=_above_size_ids(year)).filter(
        area_q("organization__", area))
    if by_region:
        rows = qs.values("organization__region__code").annotate(s=Sum("rd_expense"))
        return {r["organization__region__code"]: float((r["s"] or 0) / YI) for r in rows}
    return float((qs.aggregate(s=Sum("rd_expense"))["s"] or 0) / YI)


def _rd_expense_growth(year: int, area: list[str] | None, by_region: bool):
    now, before = _rd_expense(year, area, by_region), _rd_expense(year - 1, area, by_region)
    if by_region:
        return {k: (v / before[k] - 1) * 100 for k, v in now.items() if before.get(k)}
    return (now / before - 1) * 100 if before and now else 0.0


def _revenue_over(threshold: int):
    def count(year: int, area: list[str] | None, by_region: bool):
        qs = AnnualFacts.objects.filter(year=year, organization__kind=OrganizationKind.ENTERPRISE,
                                        main_business_revenue__gt=threshold).filter(area_q("organization__", area))
        return _org_count(qs, "organization", "organization__region__code", by_region)
    return count


def _hte_pool(year: int, area: list[str] | None, by_region: bool):
    end = _year_end(year)
    qs = CultivationPoolEntry.objects.filter(pool=CultivationPool.HTE_POOL, entered_on__lte=end).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gt=end)).filter(area_q("organization__", area))
    return _org_count(qs, "organization", "organization__region__code", by_region)


def _incubation_carriers(year: int, area: list[str] | None, by_region: bool):
    """Provincial+ incubation platforms of the registry, and organisations kept as incubation carriers in the
    incubation app (an operator registered under another kind), approved by the end of the year."""
    from incubation.models import Carrier, Stage

    carriers = Carrier.objects.exclude(stage=Stage.INDUSTRIAL_PARK).values("organization_id")
    qs = Organization.objects.filter(Q(kind=OrganizationKind.PLATFORM, platform_type__in=INCUBATION_TYPES)
                                     | Q(id__in=carriers), level__in=PROVINCIAL_PLUS, established_on__lte=_year_end(year))
    return _org_count(qs.filter(area_q("", area)), "id", "region__code", by_region)


def _incubated_hte(year: int, area: list[str] | None, by_region: bool):
    from incubation.indicators import cultivated_hte

    return cultivated_hte(year, area, by_region)


def _new_hte(year: int, area: list[str] | None, by_region: bool):
    qs = Qualification.objects.filter(kind=QualificationKind.HIGH_TECH_ENTERPRISE,
                                      certification=Qualification.Certification.FIRST,
                                      valid_from__year=year).filter(area_q("organization__", area))
    return _org_count(qs, "organization", "organization__region__code", by_region)


def _tech_contract_turnover(year: int, area: list[str] | None, by_region: bool):
    """Registered technology contracts: one ``registration`` event per contract (written by the technology market's
    contract registration), amount = the registrar's technology transaction amount, dated on registration."""
    qs = Recognition.objects.filter(kind=RecognitionKind.TECH_CONTRACT, attributes__role="registration",
                                    occurred_on__year=year).filter(area_q("organization__", area))
    if by_region:
        rows = qs.values("organization__region__code").annotate(s=Sum("amount"))
        return {r["organization__region__code"]: float((r["s"] or 0) / YI) for r in rows}
    return float((qs.aggregate(s=Sum("amount"))["s"] or 0) / YI)


FUNCTIONS: dict[str, Callable] = {
    "high_tech_enterprises": lambda y, a, b: _qualified(QualificationKind.HIGH_TECH_ENTERPRISE, y, a, b),
    "tech_smes": lambda y, a, b: _qualified(QualificationKind.TECH_SME, y, a, b),
    "new_high_tech_enterprises": _new_hte,
    "provincial_platforms": lambda y, a, b: _platforms(y, a, b, types=TECH_PLATFORM_TYPES, levels=PROVINCIAL_PLUS),
    "national_platforms": lambda y, a, b: _platforms(y, a, b, types=TECH_PLATFORM_TYPES, levels=(Level.NATIONAL,)),
    "all_platforms": lambda y, a, b: _platforms(y, a, b),
    "new_platforms": lambda y, a, b: _platforms(y, a, b, only_year=True),
    "incubation_carriers": _incubation_carriers,
    "incubated_hte_cumulative": _incubated_hte,
    "provincial_communities": lambda y, a, b: _platforms(y, a, b, types=(PlatformType.INNOVATION_COMMUNITY,),
                                                         levels=PROVINCIAL_PLUS),
    "rd_active_share": _rd_active_share,
    "rd_expense_above_size": _rd_expense,
    "rd_expense_above_size_growth": _rd_expense_growth,
    "enterprises_revenue_10bn": _revenue_over(10_000_000_000),
    "enterprises_revenue_100bn": _revenue_over(100_000_000_000),
    "hte_pool": _hte_pool,
    "tech_contract_turnover": _tech_contract_turnover,
}



# ---- several years in one query (the refresh of indicators/counts.py) -------------------------------------------
# The same definitions as above, for the whole city by region, each year a filtered COUNT(DISTINCT) of one GROUP BY:
# the rows are read once for all years instead of once a year.

def _by_region_years(qs: QuerySet, field: str, region_field: str, years: list[int],
                     in_year: Callable[[int], Q]) -> dict[int, dict[str, float]]:
    """``qs`` already narrowed to the regions wanted (``area_q``: all of them, or the few a change touched)."""
    rows = qs.values(region_field).annotate(**{f"y{y}": Count(field, distinct=True, filter=in_year(y)) for y in years})
    return {y: {r[region_field]: float(r[f"y{y}"]) for r in rows if r[f"y{y}"]} for y in years}


def _qualified_years(kind: str, years: list[int], regions: list[str] | None = None) -> dict[int, dict[str, float]]:
    qs = Qualification.objects.filter(kind=kind, valid_from__lte=_year_end(max(years)),
                                      valid_to__gte=_year_end(min(years))).filter(area_q("organization__", regions))
    return _by_region_years(qs, "organization", "organization__region__code", years,
                            lambda y: Qualification.in_force(_year_end(y)))


def _platforms_years(years: list[int], regions: list[str] | None = None, *, types=None,
                     levels=None) -> dict[int, dict[str, float]]:
    qs = Organization.objects.filter(kind=OrganizationKind.PLATFORM, established_on__lte=_year_end(max(years))).filter(
        area_q("", regions))
    if types:
        qs = qs.filter(platform_type__in=types)
    if levels:
        qs = qs.filter(level__in=levels)
    return _by_region_years(qs, "id", "region__code", years, lambda y: Q(established_on__lte=_year_end(y)))


def _incubation_carriers_years(years: list[int], regions: list[str] | None = None) -> dict[int, dict[str, float]]:
    from incubation.models import Carrier, Stage

    carriers = Carrier.objects.exclude(stage=Stage.INDUSTRIAL_PARK).values("organization_id")
    qs = Organization.objects.filter(Q(kind=OrganizationKind.PLATFORM, platform_type__in=INCUBATION_TYPES)
                                     | Q(id__in=carriers), level__in=PROVINCIAL_PLUS,
                                     established_on__lte=_year_end(max(years))).filter(area_q("", regions))
    return _by_region_years(qs, "id", "region__code", years, lambda y: Q(established_on__lte=_year_end(y)))


#: By-region figures for several years at once, for the functions whose rows span years: of the whole city, or of
#: the regions given (and the zones under them: the incremental refresh of the regions a change touched).
BY_REGION_YEARS: dict[str, Callable[..., dict[int, dict[str, float]]]] = {
    "high_tech_enterprises": lambda ys, rs=None: _qualified_years(QualificationKind.HIGH_TECH_ENTERPRISE, ys, rs),
    "tech_smes": lambda ys, rs=None: _qualified_years(QualificationKind.TECH_SME, ys, rs),
    "provincial_platforms": lambda ys, rs=None: _platforms_years(ys, rs, types=TECH_PLATFORM_TYPES,
                                                                 levels=PROVINCIAL_PLUS),
    "national_platforms": lambda ys, rs=None: _platforms_years(ys, rs, types=TECH_PLATFORM_TYPES,
                                                               levels=(Level.NATIONAL,)),
    "all_platforms": lambda ys, rs=None: _platforms_years(ys, rs),
    "incubation_carriers": _incubation_carriers_years,
    "provincial_communities": lambda ys, rs=None: _platforms_years(ys, rs, types=(PlatformType.INNOVATION_COMMUNITY,),
                                                                   levels=PROVINCIAL_PLUS),
}
