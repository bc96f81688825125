"""Issue 26 item 2 (a refused claim form keeps what was typed; 确认无误 carries the typed account; the account is
prefilled from the organisation's last confirmed claim) and issue 25 items 7/10 for claims (bank accounts of ASCII
digits only, free text bounded in the model and the database)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from funding import services
from funding.models import Claim
from funding.services import FundingError
from funding.tests.conftest import FIXED, PDF, submitted_claim

pytestmark = pytest.mark.django_db


def _draft(world):
    claim, _ = services.create_claim_from_entitlement(world.alice, world.org_a, FIXED, 2024)
    return claim


def test_refused_form_keeps_every_typed_value(client, world):
    claim = _draft(world)
    client.force_login(world.alice)
    typed = {"project_title": "高性能轮胎胶料研发", "bank_name": "威海市商业银行高区支行", "bank_account": "6222 12x4",
             "summary": "新认定高新技术企业，证书编号 GR202437000123。"}
    response = client.post(f"/funding/claims/{claim.pk}/edit/", typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "银行账号：请填写 8–32 位阿拉伯数字" in page
    for value in typed.values():
        assert value in page
    claim.refresh_from_db()
    assert claim.project_title == "" and claim.bank_name == ""  # nothing half-saved


@pytest.mark.parametrize("number", ["6222²0001111", "6222１０００1111", "6222٣0001111", "62220000ABCD"])
def test_bank_account_ascii_digits_only(world, number):
    claim = _draft(world)
    with pytest.raises(FundingError, match="阿拉伯数字 0–9"):
        services.update_claim(world.alice, claim, {"bank_account": number})
    assert services.update_claim(world.alice, claim, {"bank_account": "6222 0000 1111"}).bank_account == \
        "622200001111"


def test_free_text_bounded_with_chinese_message(client, world):
    claim = _draft(world)
    with pytest.raises(FundingError, match=r"项目名称：不超过 200 字（现为 5,000 字）"):
        services.update_claim(world.alice, claim, {"project_title": "题" * 5000})
    claim.refresh_from_db()
    with pytest.raises(FundingError, match=r"申报说明：不超过 5,000 字（现为 2,000,000 字）"):
        services.update_claim(world.alice, claim, {"summary": "说" * 2_000_000})
    client.force_login(world.alice)
    response = client.post(f"/funding/claims/{claim.pk}/edit/", {"project_title": "题" * 5000})
    assert response.status_code == 400 and "项目名称：不超过 200 字" in response.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too (SQLite ignores max_length)
        Claim.objects.filter(pk=claim.pk).update(summary="说" * 5001)


def test_proactive_confirm_carries_the_typed_account_and_prefills_the_last_one(client, world):
    submitted_claim(world)  # alice's earlier claim: 威海市商业银行 6222 0000 1111 2222
    claim = Claim.objects.create(programme=world.programme, organization=world.org_a, origin="proactive",
                                 provision_id="B.04.new_rd_institution_ceiling", title="免申即享事项",
                                 document="威政发〔2023〕5号", article="第4条", year=2024, entitled_amount=100000,
                                 state="awaiting_confirmation")
    client.force_login(world.alice)
    page = client.get(f"/funding/claims/{claim.pk}/").content.decode()
    assert 'value="6222000011112222"' in page and 'value="威海市商业银行"' in page  # prefilled
    assert 'name="transition" value="confirm"' in page  # 确认无误 is a button of the same form
    response = client.post(f"/funding/claims/{claim.pk}/act/", {
        "transition": "confirm", "bank_name": "中国银行威海分行", "bank_account": "6013 8200 0000 0001",
        "project_title": "", "summary": ""}, follow=True)
    claim.refresh_from_db()
    assert claim.bank_account == "6013820000000001" and claim.bank_name == "中国银行威海分行"
    assert claim.state == "district_check"
    assert "已确认无误" in response.content.decode()


def test_submit_refused_keeps_typed_values(client, world):
    claim = _draft(world)
    services.attach(world.alice, claim, "证明材料", "c.pdf", PDF)
    client.force_login(world.alice)
    response = client.post(f"/funding/claims/{claim.pk}/act/", {
        "transition": "submit", "project_title": "轮胎项目", "bank_name": "威海市商业银行", "bank_account": "",
        "summary": "说明文字"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "银行账号：请填写收款银行账号后再提交" in page and "轮胎项目" in page and "说明文字" in page
