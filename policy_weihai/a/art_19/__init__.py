"""威政发〔2018〕20号 第19条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A
from policy_weihai.vocabulary import A_SILENT

PROVISIONS = [
    Provision("A.19.risk_compensation", "科技成果转化贷款损失市级风险补偿（合作银行）", A.number, "第19条", "proportional", False,
              "a19_risk_compensation", "获得省科技成果转化贷款风险补偿备案的合作银行，违约前已备案的贷款发生损失（financing，"
              "subject=risk_compensation_loss，amount=损失本金）：市级补偿损失×35%（省级另补 35%）", ("service_provider",),
              ("a.art_19.city_share",), interpretations=A_SILENT, window=A.window),
]
