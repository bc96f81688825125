"""Issue 26 item 14: a step's 退回/不予支持 belong to that step's role only (service refuses, page hides)."""

from __future__ import annotations

import pytest

from funding import services
from funding.services import FundingError
from funding.tests.conftest import submitted_claim

pytestmark = pytest.mark.django_db


def _buttons(client, user, claim) -> list[str]:
    client.force_login(user)
    page = client.get(f"/funding/claims/{claim.pk}/").content.decode()
    return [label for label in ("区市初审通过", "形式审查通过", "退回申请人修改", "不予支持", "决定资助金额并公示")
            if f">{label}</button>" in page]


def test_district_acts_only_at_its_own_step(world, client):
    claim = submitted_claim(world)
    assert _buttons(client, world.dora, claim) == ["区市初审通过", "退回申请人修改", "不予支持"]
    services.perform(world.dora, claim.pk, "district_pass")
    # 形式审查: the bureau's step — the district sees no action and the service refuses it
    assert _buttons(client, world.dora, claim) == []
    for name in ("return_to_applicant", "reject"):
        with pytest.raises(FundingError, match="无权执行"):
            services.perform(world.dora, claim.pk, name, "材料不全")
    assert _buttons(client, world.bea, claim) == ["形式审查通过", "退回申请人修改", "不予支持"]
    services.perform(world.bea, claim.pk, "formal_pass")
    claim.refresh_from_db()
    assert claim.state == "decision"
    assert _buttons(client, world.dora, claim) == []
    with pytest.raises(FundingError, match="无权执行「不予支持」"):
        services.perform(world.dora, claim.pk, "reject", "不同意")
    response = client.post(f"/funding/claims/{claim.pk}/act/", {"transition": "return_to_applicant",
                                                                "reason": "x"}, follow=True)
    assert "您的账户无权执行「退回申请人修改」" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == "decision"
    services.perform(world.bea, claim.pk, "return_to_applicant", "请补充材料")
    claim.refresh_from_db()
    assert claim.state == "returned"
