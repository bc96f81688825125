"""Counts for document C 二（三）'s incubation rows, from the rosters (called by indicators/computed.py).

孵化载体累计培育高新技术企业数量 (58 → 100): distinct enterprises whose first high-tech certification (not a
recertification) fell on a day they were on a carrier's roster (any carrier of the chain), up to 31 December of the
year. An enterprise certified before it entered, or after it left, was not cultivated by a carrier. Per district: the
region of the carrier that hosted it on the certification day.
"""

from __future__ import annotations

import datetime as dt

from incubation.models import Stay
from registry.models import Qualification, QualificationKind


def _in_area(region_code: str, parent_code: str | None, area: list[str] | None) -> bool:
    return not area or region_code in area or (parent_code or "") in area


def cultivated_hte(year: int, area: list[str] | None, by_region: bool) -> dict[str, float] | float:
    end = dt.date(year, 12, 31)
    stays = list(Stay.objects.filter(incubatee__organization__isnull=False, entered_on__lte=end).values_list(
        "incubatee__organization_id", "entered_on", "exited_on", "carrier__organization__region__code",
        "carrier__organization__region__parent__code"))
    org_ids = {s[0] for s in stays}
    first: dict[int, dt.date] = {}
    for org_id, start in Qualification.objects.filter(
            organization_id__in=org_ids, kind=QualificationKind.HIGH_TECH_ENTERPRISE, valid_from__lte=end).exclude(
            certification=Qualification.Certification.RE).values_list("organization_id", "valid_from"):
        if org_id not in first or start < first[org_id]:
            first[org_id] = start
    host: dict[int, tuple[str, str | None]] = {}
    for org_id, entered, exited, region, parent in stays:
        day = first.get(org_id)
        if day and entered <= day and (exited is None or day < exited):
            host[org_id] = (region, parent)
    if by_region:
        out: dict[str, float] = {}
        for region, parent in host.values():
            if _in_area(region, parent, area):
                out[region] = out.get(region, 0.0) + 1
        return out
    return float(sum(1 for region, parent in host.values() if _in_area(region, parent, area)))
