"""威政发〔2023〕5号 第24条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.24.chokepoint_project_ceiling", "“卡脖子”攻关项目财政“拨”款补助", B.number, "第24条", "ceiling", True,
              "b24_chokepoint_project_ceiling", "高新技术企业的项目入选“卡脖子”攻关项目库（project，subject=chokepoint_project）："
              "按一定比例择优，不超过 50 万元", ("enterprise",), ("b.art_24.chokepoint_project",), window=B.window),
    Provision("B.24.chokepoint_insurance_subsidy", "“卡脖子研发损失险”保费补贴", B.number, "第24条", "proportional", False,
              "b24_chokepoint_insurance_subsidy", "投保“卡脖子研发损失险”（financing，subject=chokepoint_rd_insurance，amount=实际支出保费）："
              "保费×50%，上限 20 万元（每家每年）", ("enterprise",),
              ("b.art_24.chokepoint_insurance_rate", "b.art_24.chokepoint_insurance_cap"), event_level=False,
              window=B.window, cap_parameter="b.art_24.chokepoint_insurance_cap"),
    Provision("B.24.chokepoint_loan_risk_ceiling", "合作银行“卡脖子攻关贷”风险资金补助", B.number, "第24条", "ceiling", True,
              "b24_chokepoint_loan_risk_ceiling", "合作银行当年新增的“卡脖子攻关贷”贷款余额（financing，subject=chokepoint_loan_new_balance，"
              "amount=年末余额）：不超过余额×0.6%", ("service_provider",), ("b.art_24.chokepoint_loan_risk_rate",),
              window=B.window),
]
