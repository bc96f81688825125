"""威政发〔2023〕5号 第14条: the buyer subsidy (≤5% of the payment, ≤30 万 per buyer per year) for registered
(经备案) 技术开发/技术转让 contracts between a Weihai 科技型企业 (buyer) and a university or institute carrying out
the transfer in Weihai (seller). Each condition is tested on contracts registered through the market."""

from __future__ import annotations

from decimal import Decimal

from policy import services as policy
from techmarket.tests.conftest import TODAY, contract

B14 = "B.14.contract_subsidy"


def b14(org):
    return next((r for r in policy.evaluate_organization(org, TODAY.year).results if r.provision_id == B14), None)


def test_b14_registered_development_contract_pays_5_percent(world):
    """威政发〔2023〕5号 第14条: 200 万元 paid on a registered 技术开发 contract → 10 万元 to the buyer."""
    contract(world)
    r = b14(world.alice)
    assert r.status == "applies" and r.amount == Decimal("100000.00")
    assert "200 万元 × 5% = 10 万元" in r.explanation and "30 万元" in r.explanation


def test_b14_transfer_contract_capped_at_30_wan(world):
    """威政发〔2023〕5号 第14条: 800 万元 paid on a 技术转让 contract → 40 万元, capped at 30 万元 per year."""
    contract(world, kind="tech_transfer", amount="8000000", paid="8000000")
    assert b14(world.alice).amount == Decimal("300000.00")


def test_b14_consulting_and_service_contracts_get_nothing(world):
    """威政发〔2023〕5号 第14条 covers only 技术开发、技术转让: a 技术咨询 contract gets nothing and says why."""
    contract(world, kind="tech_consulting")
    r = b14(world.alice)
    assert r.status == "near" and r.amount == 0
    assert "技术咨询合同不在补助范围" in r.missing and "第14条" in r.missing


def test_b14_service_and_licence_contracts_get_nothing(world):
    """威政发〔2023〕5号 第14条: 技术服务 and 技术许可 (its own type) are outside 技术开发、技术转让."""
    contract(world, kind="tech_service", number="A1")
    contract(world, kind="tech_licence", number="A2")
    r = b14(world.alice)
    assert r.status == "near" and "技术服务合同不在补助范围" in r.missing and "技术许可合同不在补助范围" in r.missing


def test_b14_unregistered_contract_gets_nothing(world):
    """威政发〔2023〕5号 第14条 "经备案": a contract not (yet) registered gets nothing; the reason is named."""
    contract(world, register=False)
    r = b14(world.alice)
    assert r.status == "near" and "合同未经技术合同登记备案" in r.missing


def test_b14_buyer_not_a_tech_enterprise_gets_nothing(world):
    """威政发〔2023〕5号 第14条 "我市科技型企业": bob holds neither 科技型中小企业 nor 高新技术企业 → nothing."""
    contract(world, buyer=world.bob)
    r = b14(world.bob)
    assert r.status == "near" and "买方当年不是科技型企业" in r.missing


def test_b14_seller_must_be_university_or_institute(world):
    """威政发〔2023〕5号 第14条 "与高校院所": an enterprise seller gets the buyer nothing."""
    contract(world, seller=world.bob)
    r = b14(world.alice)
    assert r.status == "near" and "卖方不是高校院所" in r.missing


def test_b14_seller_must_carry_out_the_transfer_in_weihai(world):
    """威政发〔2023〕5号 第14条 "在威开展": an institute outside Weihai gets the buyer nothing."""
    contract(world, seller=world.far)
    r = b14(world.alice)
    assert r.status == "near" and "卖方不在威海" in r.missing


def test_b14_seller_side_gets_nothing(world):
    """威政发〔2023〕5号 第14条 pays the buyer (购买方) only: the university's registration event pays nothing."""
    contract(world)
    assert b14(world.uni) is None


def test_b14_mixed_contracts_pay_only_the_qualifying_one(world):
    """威政发〔2023〕5号 第14条: one qualifying contract applies, and the caveat names the one that does not."""
    contract(world, number="B1")
    contract(world, kind="tech_consulting", number="B2")
    r = b14(world.alice)
    assert r.amount == Decimal("100000.00") and any("技术咨询合同不在补助范围" in c for c in r.caveats)
