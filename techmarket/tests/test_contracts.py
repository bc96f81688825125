"""技术合同登记: registration, payments, bad input (clear Chinese messages, nothing half-written), registry events
and the 技术合同成交额 indicator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from indicators.computed import FUNCTIONS
from registry.models import Recognition
from techmarket import services
from techmarket.models import TechContract
from techmarket.tests.conftest import TODAY, contract


def _submit(world, **data):
    base = {"title": "合同", "contract_type": "tech_development", "signed_on": TODAY, "amount": "1000000"}
    return services.submit_contract(world.users["bureau"], {**base, **data}, {"organization": world.alice},
                                    {"organization": world.uni})


def test_registration_records_number_date_and_events(world):
    c = contract(world, amount="2000000", paid="1500000")
    assert c.status == "registered" and c.registration_number == "371000TC0001" and c.registered_on == TODAY
    rows = Recognition.objects.filter(kind="tech_contract", attributes__contract_id=c.pk)
    buyer = rows.get(attributes__role="buyer")
    assert buyer.organization == world.alice and buyer.amount == Decimal("1500000.00")
    assert buyer.attributes["registered"] is True and buyer.subject == "tech_development"
    assert rows.get(attributes__role="registration").organization == world.uni


def test_registered_contracts_feed_the_tech_contract_turnover_indicator(world):
    """C 二（三）年登记技术合同成交额 (亿元): the registrar's technology transaction amount, by registration year."""
    contract(world, amount="30000000", paid="", number="N1")
    contract(world, amount="20000000", paid="", number="N2", register=False)
    assert FUNCTIONS["tech_contract_turnover"](TODAY.year, None, False) == pytest.approx(0.3)
    by_region = FUNCTIONS["tech_contract_turnover"](TODAY.year, None, True)
    assert by_region == {world.uni.region.code: pytest.approx(0.3)}


def test_confirmed_amount_set_by_the_registrar(world):
    c = contract(world, register=False)
    c = services.contract_transition(world.users["bureau"], c, "register", number="X1", on=TODAY,
                                     confirmed_amount="1500000")
    assert c.transaction_amount == Decimal("1500000.00")
    with pytest.raises(services.MarketInputError, match="技术交易额不能超过合同金额"):
        c2 = contract(world, register=False, number="X2")
        services.contract_transition(world.users["bureau"], c2, "register", number="X2", confirmed_amount="9000000")


def test_refusal_needs_grounds_and_can_be_corrected(world):
    c = contract(world, register=False)
    with pytest.raises(services.MarketInputError, match="不予登记理由"):
        services.contract_transition(world.users["bureau"], c, "refuse")
    c = services.contract_transition(world.users["bureau"], c, "refuse", reason="合同标的不属于技术合同")
    assert c.status == "refused" and c.refusal_reason == "合同标的不属于技术合同"
    c = services.contract_transition(world.users["alice"], c, "correct")
    assert c.status == "submitted"


def test_parties_the_same_organisation_are_refused(world):
    with pytest.raises(services.MarketInputError, match="买方和卖方是同一单位") as err:
        services.submit_contract(world.users["bureau"], {"title": "x", "contract_type": "tech_development",
                                                         "signed_on": TODAY, "amount": "100"},
                                 {"organization": world.alice}, {"organization": world.alice})
    assert err.value.field == "seller_uscc"
    assert TechContract.objects.count() == 0


def test_negative_amount_is_refused(world):
    with pytest.raises(services.MarketInputError, match="合同金额：不能为负数"):
        _submit(world, amount="-5")
    assert TechContract.objects.count() == 0


def test_transaction_amount_above_contract_value_is_refused(world):
    with pytest.raises(services.MarketInputError, match="技术交易额：不能超过合同金额"):
        _submit(world, amount="1000", transaction_amount="2000")
    with pytest.raises(services.MarketInputError, match="技术交易额：不能为负数"):
        _submit(world, amount="1000", transaction_amount="-1")


def test_payment_above_contract_value_writes_nothing(world):
    with pytest.raises(services.MarketInputError, match="累计支付不能超过合同金额"):
        services.submit_contract(world.users["bureau"], {"title": "x", "contract_type": "tech_development",
                                                         "signed_on": TODAY, "amount": "1000"},
                                 {"organization": world.alice}, {"organization": world.uni}, [(TODAY, "2000")])
    assert TechContract.objects.count() == 0 and not Recognition.objects.filter(kind="tech_contract").exists()


def test_duplicate_registration_number_is_refused(world):
    contract(world, number="371000TC0009")
    c2 = contract(world, register=False)
    with pytest.raises(services.MarketInputError, match="登记编号：371000TC0009 已被其他合同使用"):
        services.contract_transition(world.users["bureau"], c2, "register", number="371000TC0009")
    c2.refresh_from_db()
    assert c2.status == "submitted" and c2.registration_number is None


def test_database_constraints_hold_without_the_service(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        TechContract.objects.create(title="x", contract_type="tech_development", signed_on=TODAY, amount=100,
                                    transaction_amount=200)
    with pytest.raises(IntegrityError), transaction.atomic():
        TechContract.objects.create(title="x", contract_type="tech_development", signed_on=TODAY, amount=-1,
                                    transaction_amount=-1)


def test_contract_form_shows_chinese_messages(world):
    c = world.client("alice")
    form = {"title": "合同", "contract_type": "tech_development", "signed_on": TODAY.isoformat(), "amount": "1000",
            "transaction_amount": "5000", "buyer_name": world.alice.name, "buyer_uscc": world.alice.uscc,
            "seller_name": world.uni.name, "seller_uscc": world.uni.uscc, "seller_is_institution": "on",
            "seller_local": "on"}
    r = c.post("/techmarket/contracts/new/", form)
    assert r.status_code == 200 and "技术交易额：不能超过合同金额" in r.content.decode()
    r = c.post("/techmarket/contracts/new/", {**form, "transaction_amount": "", "seller_uscc": world.alice.uscc,
                                              "seller_name": world.alice.name})
    assert "买方和卖方是同一单位" in r.content.decode()
    r = c.post("/techmarket/contracts/new/", {**form, "transaction_amount": "", "amount": "-3"})
    assert "合同金额：不能为负数" in r.content.decode()
    assert TechContract.objects.count() == 0
    r = c.post("/techmarket/contracts/new/", {**form, "transaction_amount": "", "amount": "1,234,567",
                                              "paid_on": TODAY.isoformat(), "paid_amount": "1000000"})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "1,234,567.00 元" in page and "1,000,000.00 元" in page and "待登记" in page


def test_duplicate_number_on_the_page(world):
    contract(world, number="DUP-1")
    c2 = contract(world, register=False)
    r = world.client("bureau").post(f"/techmarket/contracts/{c2.pk}/", {"action": "register",
                                                                        "registration_number": "DUP-1",
                                                                        "registered_on": TODAY.isoformat()})
    assert r.status_code == 200 and "登记编号：DUP-1 已被其他合同使用" in r.content.decode()


def test_refused_contract_can_be_appealed_then_registered_or_upheld(world):
    c = contract(world, register=False)
    c = services.contract_transition(world.users["bureau"], c, "refuse", reason="缺少技术成果说明")
    with pytest.raises(services.MarketInputError, match="复议理由"):
        services.contract_transition(world.users["alice"], c, "appeal")
    with pytest.raises(services.MarketInputError, match="没有权限"):
        services.contract_transition(world.users["bureau"], c, "appeal", reason="x")
    c = services.contract_transition(world.users["alice"], c, "appeal", reason="已补充技术成果说明")
    assert c.status == "appealed" and "申请复议" in c.refusal_reason
    c = services.contract_transition(world.users["bureau"], c, "uphold", reason="仍不属于技术开发")
    assert c.status == "refused"
    c = services.contract_transition(world.users["alice"], c, "appeal", reason="再次说明")
    c = services.contract_transition(world.users["bureau"], c, "register", number="APPEAL-1", on=TODAY)
    assert c.status == "registered" and c.refusal_reason == ""
    page = world.client("alice").get(f"/techmarket/contracts/{c.pk}/").content.decode()
    assert "已登记" in page and "APPEAL-1" in page

