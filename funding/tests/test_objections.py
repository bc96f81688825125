"""Issue 25 item 5: objections on the public 公示 need a login, are rate- and length-limited, and a flood does not
block 公示期满."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from funding import services
from funding.models import Objection
from funding.tests.conftest import submitted_claim, to_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_publicity(world, settings):
    settings.OBJECTION_RATE = "5/h"
    world.programme.publicity_days = 0
    claim = to_decision(world, submitted_claim(world))
    return services.perform(world.bea, claim.pk, "decide")


def _post(client, claim, text="金额有误", name="李四"):
    return client.post("/funding/publicity/", {"claim": claim.pk, "filed_by": name, "contact": "13800000000",
                                               "text": text}, follow=True)


def test_anonymous_must_log_in(client, in_publicity):
    page = client.get("/funding/publicity/").content.decode()
    assert "提出异议须先" in page and 'id="objection-form"' not in page
    assert "提出异议须先登录" in _post(client, in_publicity).content.decode()
    assert not Objection.objects.exists()


def test_length_limited_and_one_open_objection_per_account(client, world, in_publicity):
    client.force_login(world.bob)
    page = _post(client, in_publicity, "异" * 50_000).content.decode()
    assert "异议内容：不超过 2,000 字（现为 50,000 字）" in page
    assert not Objection.objects.exists()
    assert "异议已提交" in _post(client, in_publicity, "异" * 2000).content.decode()
    assert "您对该事项的异议尚在处理中" in _post(client, in_publicity).content.decode()
    assert Objection.objects.get().account == world.bob
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses an oversized text too
        Objection.objects.bulk_create([Objection(claim=in_publicity, filed_by="x", text="x" * 2001)])


def test_flood_is_rate_limited_and_does_not_block_publicity_end(client, world, in_publicity):
    client.force_login(world.bob)
    codes = [client.post("/funding/publicity/", {"claim": in_publicity.pk, "filed_by": "李四",
                                                 "text": f"第{i}条"}).status_code for i in range(8)]
    assert codes[:5] == [302] * 5 and codes[5:] == [429] * 3
    assert Objection.objects.count() == 1
    # the bureau answers the one open objection on the claim's page, and 公示期满 goes through
    client.force_login(world.bea)
    obj = Objection.objects.get()
    page = client.get(f"/funding/claims/{in_publicity.pk}/").content.decode()
    assert "处理异议" in page
    client.post(f"/funding/claims/{in_publicity.pk}/objections/{obj.pk}/resolve/", {"resolution": "经核实，异议不成立"})
    assert services.perform(world.bea, in_publicity.pk, "publicity_end").state == "approved"
