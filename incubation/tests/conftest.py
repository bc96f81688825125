"""A small known world: two carriers in 环翠区 and one in 文登区, enterprises with valid credit codes, and the
accounts whose rights are known (the carrier's own account, another carrier's account, bureau and district staff)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.models import User
from registry.models import Organization, Qualification, Region
from registry.uscc import make_uscc


def uscc(i: int) -> str:
    return make_uscc(f"91371002MA{i:07d}")


def make_enterprise(i: int, region: Region, name: str = "") -> Organization:
    return Organization.objects.create(kind="enterprise", name=name or f"威海示例科技有限公司{i}", uscc=uscc(i),
                                       region=region, established_on=dt.date(2015, 1, 1))


def certify(org: Organization, day: dt.date, kind: str = "high_tech_enterprise",
            certification: str = "first_certification") -> Qualification:
    return Qualification.objects.create(organization=org, kind=kind, certification=certification, valid_from=day,
                                        valid_to=day + dt.timedelta(days=3 * 365))


@pytest.fixture
def world(db):
    huancui = Region.objects.get(code="371002")
    wendeng = Region.objects.get(code="371003")

    def platform(name: str, ptype: str, region: Region, level: str = "provincial") -> Organization:
        return Organization.objects.create(kind="platform", name=name, platform_type=ptype, level=level,
                                           region=region, established_on=dt.date(2015, 1, 1))

    incubator = platform("威海示例科技企业孵化器", "incubator", huancui)
    makerspace = platform("威海示例众创空间", "makerspace", huancui, "city")
    accelerator = platform("文登示例加速器", "accelerator", wendeng, "city")
    ents = [make_enterprise(i, huancui) for i in range(1, 16)]
    users = {}
    for name, role, org, region in [("carrier", "enterprise", incubator, None), ("maker", "enterprise", makerspace, None),
                                    ("accel", "enterprise", accelerator, None), ("bureau", "bureau", None, None),
                                    ("district", "district", None, wendeng), ("firm", "enterprise", ents[0], None)]:
        users[name] = User.objects.create_user(name, password="demo12345", role=role, organization=org, region=region)
    return SimpleNamespace(huancui=huancui, wendeng=wendeng, incubator=incubator, makerspace=makerspace,
                           accelerator=accelerator, ents=ents, users=users)
