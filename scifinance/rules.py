"""The finance limits the documents state, each with its citation (used by registration, 备案 and pools)."""

from __future__ import annotations

from decimal import Decimal

A = "威政发〔2018〕20号"
B = "威政发〔2023〕5号"

#: A 第19条: 凡获得省科技成果转化贷款风险补偿备案的合作银行，相关贷款发生损失的，省、市两级各给予 35% 的风险补偿.
RISK_SHARE_CITY = Decimal("0.35")
RISK_SHARE_PROVINCE = Decimal("0.35")
RISK_CITATION = f"{A} 第19条"

#: B 第23条: 每家企业纳入风险补偿的贷款余额不超过 2000 万元.
COVERED_BALANCE_CAP = Decimal(20_000_000)
COVERED_CITATION = f"{B} 第23条"

#: B 第24条: 卡脖子攻关贷 额度不超过 2000 万元、无需抵质押物、期限不超过 3 年.
CHOKEPOINT_LOAN_CAP = Decimal(20_000_000)
CHOKEPOINT_TERM_MONTHS = 36
CHOKEPOINT_CITATION = f"{B} 第24条"

#: B 第27条: 人才贷 无抵押、无担保的信用贷款，额度不超过 1000 万元、期限不超过 1 年，多个高层次人才任职的企业贷款
#: 总额不超过 5000 万元.
TALENT_LOAN_CAP = Decimal(10_000_000)
TALENT_LOAN_TERM_MONTHS = 12
TALENT_ENTERPRISE_CAP = Decimal(50_000_000)
TALENT_CITATION = f"{B} 第27条"


def wan(amount: Decimal | float | int) -> str:
    """Money for people: 1,234.5 万元 above 10,000 yuan, else yuan with separators."""
    amount = Decimal(str(amount))
    if abs(amount) >= 10_000:
        text = f"{amount / 10_000:,.2f}".rstrip("0").rstrip(".")
        return f"{text} 万元"
    return f"{amount:,.2f} 元"
