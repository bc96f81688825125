"""Demo rosters for the demo city (deterministic, idempotent, a few seconds).

Calibrated to document C 二（三）: 孵化载体累计培育高新技术企业数量 58 by the end of 2020, growing to 100 by 2025 (scaled by
the demo size / 4,000). The 专业化孵化载体 count (23 → 45 in the registry demo) comes from the registry's platforms,
which all become carriers here; two 产业园 operators are added as the chain's last link.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from incubation import services
from incubation.models import (
    Carrier,
    Competition,
    Entry,
    Evaluation,
    ExitReason,
    Incubatee,
    Prize,
    RosterChange,
    Stage,
    Stay,
)
from registry.models import Organization, OrganizationKind, Qualification, QualificationKind

DEFAULT_ENTERPRISES = 4000
CULTIVATED = {2020: 58, 2025: 100}  # C 二（三）: baseline 2020 and target 2025 (cumulative)
SERVICES = ["创业辅导", "投融资对接", "知识产权代理", "检验检测", "政策申报辅导", "人才招聘", "技术转移对接"]


@dataclass
class DemoResult:
    carriers: int = 0
    stays: int = 0
    cultivated_2020: int = 0
    cultivated_2025: int = 0
    events: int = 0
    account: str = ""


def _day(year: int, rng: random.Random) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


@transaction.atomic
def generate(seed: int = 7) -> DemoResult:
    rng = random.Random(seed)
    res = DemoResult()
    services.ensure_carriers()
    n_ent = Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).count()
    scale = n_ent / DEFAULT_ENTERPRISES
    # Two industrial parks: operated by enterprises of the registry (no registry platform type for 产业园).
    operators = list(Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).exclude(carrier__isnull=False)
                     .order_by("-id")[:2])
    for op in operators:
        Carrier.objects.get_or_create(organization=op, defaults={"stage": Stage.INDUSTRIAL_PARK, "specialty": "产业化基地"})
    carriers = list(Carrier.objects.select_related("organization").order_by("organization__established_on", "id"))
    incubating = [c for c in carriers if c.stage in (Stage.INCUBATOR, Stage.MAKERSPACE, Stage.UNIVERSITY_SCIENCE_PARK,
                                                     Stage.RURAL_MAKERSPACE)]
    accelerators = [c for c in carriers if c.stage in (Stage.ACCELERATOR, Stage.INDUSTRIAL_PARK)]
    res.carriers = len(carriers)

    first: dict[int, dt.date] = {}
    for org_id, start in Qualification.objects.filter(kind=QualificationKind.HIGH_TECH_ENTERPRISE).exclude(
            certification=Qualification.Certification.RE).values_list("organization_id", "valid_from"):
        if org_id not in first or start < first[org_id]:
            first[org_id] = start
    taken = set(Incubatee.objects.values_list("organization_id", flat=True))
    by_2020 = [o for o, d in sorted(first.items(), key=lambda x: (x[1], x[0])) if 2016 <= d.year <= 2020 and o not in taken]
    later = [o for o, d in sorted(first.items(), key=lambda x: (x[1], x[0])) if 2021 <= d.year <= 2025 and o not in taken]
    rng.shuffle(by_2020)
    rng.shuffle(later)
    want_2020 = round(CULTIVATED[2020] * scale)
    want_later = round(CULTIVATED[2025] * scale) - want_2020
    today = dt.date.today()

    stays: list[Stay] = []
    incubatees: dict[int, Incubatee] = {}

    def incubatee(org_id: int) -> Incubatee:
        if org_id not in incubatees:
            incubatees[org_id] = Incubatee(organization_id=org_id)
        return incubatees[org_id]

    def place(org_id: int, certified: dt.date, k: int) -> bool:
        entered = certified - dt.timedelta(days=200 + (k * 97) % 700)
        hosts = [c for c in incubating if c.organization.established_on and c.organization.established_on <= entered]
        if not hosts:
            return False
        host = hosts[k % len(hosts)]
        graduated = certified + dt.timedelta(days=120 + (k * 53) % 400)
        inc = incubatee(org_id)
        if graduated <= today:
            stays.append(Stay(carrier=host, incubatee=inc, entered_on=entered, exited_on=graduated,
                              exit_reason=ExitReason.GRADUATED, exit_note="达到毕业条件（认定为高新技术企业）",
                              space=f"{'ABC'[k % 3]}座{100 + k % 400}", space_m2=60 + k % 200,
                              services="、".join(rng.sample(SERVICES, 2))))
            nexts = [c for c in accelerators if c.organization.established_on and c.organization.established_on <= graduated]
            if nexts and k % 3 == 0:  # on along the chain: 孵化器 → 加速器/产业园
                stays.append(Stay(carrier=nexts[k % len(nexts)], incubatee=inc, entered_on=graduated,
                                  space=f"厂房{k % 20 + 1}号", space_m2=500 + k % 1500, services="产业化对接"))
        else:
            stays.append(Stay(carrier=host, incubatee=inc, entered_on=entered, space=f"A座{100 + k % 400}",
                              services="、".join(rng.sample(SERVICES, 2))))
        return True

    placed_2020 = placed_later = 0
    for k, org_id in enumerate(by_2020):
        if placed_2020 >= want_2020:
            break
        placed_2020 += place(org_id, first[org_id], k)
    for k, org_id in enumerate(later):
        if placed_later >= want_later:
            break
        placed_later += place(org_id, first[org_id], k + 1000)

    # Incubatees that have not (yet) become high-tech enterprises, and teams.
    plain = list(Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).exclude(id__in=list(first))
                 .exclude(id__in=list(incubatees)).exclude(id__in=[o.id for o in operators]).order_by("id")
                 .values_list("id", flat=True)[: max(len(incubating) * 6, 1)])
    for k, org_id in enumerate(plain):
        hosts = incubating or carriers
        host = hosts[k % len(hosts)]
        since = max(host.organization.established_on or dt.date(2018, 1, 1), dt.date(2018, 1, 1))
        entered = since + dt.timedelta(days=(k * 131) % max((today - since).days - 30, 1))
        inc = incubatee(org_id)
        if k % 4 == 0 and entered + dt.timedelta(days=900) <= today:
            stays.append(Stay(carrier=host, incubatee=inc, entered_on=entered, exited_on=entered + dt.timedelta(days=900),
                              exit_reason=ExitReason.GRADUATED if k % 8 == 0 else ExitReason.LEFT,
                              services="、".join(rng.sample(SERVICES, 2))))
        else:
            stays.append(Stay(carrier=host, incubatee=inc, entered_on=entered, space=f"B座{200 + k % 300}",
                              services="、".join(rng.sample(SERVICES, 2))))
    teams = []
    for k, host in enumerate(incubating):
        team = Incubatee(team_name=f"{host.organization.name[:6]}创客团队{k + 1}", team_leader=rng.choice(
            ["李明", "王芳", "张伟", "刘洋", "陈静", "赵强"]))
        teams.append(team)
        stays.append(Stay(carrier=host, incubatee=team, entered_on=today - dt.timedelta(days=60 + k * 7),
                          space="众创工位", services="创业辅导"))
    Incubatee.objects.bulk_create(list(incubatees.values()) + teams, batch_size=2000)
    for s in stays:
        s.incubatee_id = s.incubatee.pk
    Stay.objects.bulk_create(stays, batch_size=2000)
    res.stays = len(stays)

    for k, c in enumerate(c for c in carriers if c.organization.level in ("provincial", "national")):
        for year in (2023, 2024):
            if not Evaluation.objects.filter(carrier=c, year=year).exists():
                services.record_evaluation(None, c, year, ["优秀", "良好", "合格", "良好"][(k + year) % 4],
                                           dt.date(year + 1, 4, 10), "（示范）年度绩效评价通知")
    _competitions(list(incubatees.values()), teams)

    created, _ = services.sync_upgrade_events()
    res.events = created
    from incubation.indicators import cultivated_hte

    res.cultivated_2020, res.cultivated_2025 = int(cultivated_hte(2020, None, False)), int(cultivated_hte(2025, None, False))
    res.account = _carrier_account(carriers)
    _pending_move(carriers)
    return res


def _pending_move(carriers: list[Carrier]) -> None:
    """One change awaiting the demo ``carrier`` account: another incubator asks to take one of its incubatees."""
    from accounts.models import User

    org_id = User.objects.filter(username="carrier").values_list("organization_id", flat=True).first()
    mine = next((c for c in carriers if c.organization_id == org_id), None)
    other = next((c for c in carriers if mine and c.pk != mine.pk and c.stage == Stage.INCUBATOR), None)
    stay = mine.stays.filter(exited_on__isnull=True, incubatee__organization__isnull=False).order_by(
        "entered_on", "id").first() if mine else None
    if other is None or stay is None:
        return
    day = max(stay.entered_on, dt.date.today() - dt.timedelta(days=7))
    services.file_change(None, kind=RosterChange.Kind.ADD, carrier=other, incubatee=stay.incubatee, entered_on=day,
                         moved_in=True, from_carrier=mine, data={"space": "D座210", "services": "投融资对接"},
                         awaiting=RosterChange.Awaiting.CARRIER, why=f"从“{mine}”迁入，须原载体同意（或市科技局决定）")


def _competitions(incubatees: list[Incubatee], teams: list[Incubatee]) -> None:
    if not incubatees:
        return
    specs = [(Competition.Series.CHINA_INNOVATION, "第十一届中国创新创业大赛", 2022),
             (Competition.Series.CHINA_INNOVATION, "第十三届中国创新创业大赛", 2024),
             (Competition.Series.CHINA_KOREA, "中韩创新大赛", 2024)]
    entries = []
    for i, (series, name, year) in enumerate(specs):
        comp = Competition.objects.create(series=series, name=name, year=year)
        who = incubatees[i % len(incubatees)]
        if series == Competition.Series.CHINA_KOREA:
            entries.append(Entry.objects.create(competition=comp, incubatee=who, project="智能海洋传感器", stage_reached="city",
                                                reached_on=dt.date(year, 5, 20), landed_on=dt.date(year, 8, 1),
                                                physical_investment=1_500_000))
            continue
        e = Entry.objects.create(competition=comp, incubatee=who, project="高性能膜材料", stage_reached="national_final",
                                 reached_on=dt.date(year, 9, 10), excellent_title=year >= 2023)
        Prize.objects.create(entry=e, level="provincial", grade="二等奖", amount=100_000, awarded_on=dt.date(year, 7, 1))
        Prize.objects.create(entry=e, level="national", grade="优秀奖", amount=200_000, awarded_on=dt.date(year, 10, 20))
        entries.append(e)
        if teams:
            entries.append(Entry.objects.create(competition=comp, incubatee=teams[i % len(teams)], project="水下机器人",
                                                stage_reached="provincial", reached_on=dt.date(year, 7, 1)))
    services.sync_competition_events(entries)


def _carrier_account(carriers: list[Carrier]) -> str:
    """Demo login ``carrier`` (password demo12345): the carrier with the most A 第16条 events."""
    from accounts.models import Role, User
    from registry.demo import DEMO_PASSWORD

    counts = {c.pk: c.stays.count() for c in carriers if c.stage == Stage.INCUBATOR}
    if not counts:
        return ""
    best = max(counts, key=lambda pk: (counts[pk], -pk))
    carrier = next(c for c in carriers if c.pk == best)
    user, _ = User.objects.get_or_create(username="carrier")
    user.first_name, user.role, user.organization = f"{carrier.organization.name}", Role.ENTERPRISE, carrier.organization
    user.set_password(DEMO_PASSWORD)
    user.save()
    return f"carrier（孵化载体账户：{carrier.organization.name}）"
