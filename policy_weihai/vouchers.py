"""How the documents share a voucher-paid service fee (``Jurisdiction.voucher_rules`` / ``voucher_basis``).

- 威政发〔2023〕5号 第30条 (``b/art_30/voucher.py``): networked shared instruments, 中小微企业 and start-up teams: the
  provincial voucher's 40% plus the city's 20%.
- Everything else a voucher covers — 威政发〔2018〕20号 第6条 (普惠券 for 研发服务、仪器共享、技术转移、科技咨询…, 重点券),
  第17条 (instrument, testing and pilot services "按科技创新券政策给予奖补") and 威政办字〔2018〕107号 二（四）3: the
  documents state no rate, so the programme's own share for the voucher kind applies (set by the bureau per year), all
  city money.
"""

from policy.jurisdiction import VoucherBasis
from policy_weihai.b.art_30.voucher import VOUCHER_RULE as B30
from policy_weihai.documents import A, D

VOUCHER_RULES = (B30,)
VOUCHER_BASIS = VoucherBasis("A17", f"{A.number} 第6条、第17条；{D.number} 二（四）3")
