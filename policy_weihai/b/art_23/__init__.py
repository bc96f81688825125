"""威政发〔2023〕5号 第23条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.23.transformation_loan_interest_ceiling", "科技成果转化贷款省级贴息", B.number, "第23条", "ceiling", True,
              "b23_transformation_loan_interest_ceiling", "国家科技型中小企业首次纳入山东省科技成果转化贷款风险补偿备案并按时还本付息（financing，"
              "subject=transformation_loan）：省级贴息每家不超过 50 万元（同一年度合计不超过 50 万元）", ("enterprise",),
              ("b.art_23.transformation_loan_interest",), event_level=False, window=B.window,
              cap_parameter="b.art_23.transformation_loan_interest"),
]
