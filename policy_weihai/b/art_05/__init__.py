"""威政发〔2023〕5号 第5条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.05.agri_zone_reward", "升级为国家/省农业高新技术产业示范区奖励", B.number, "第5条", "one_time", False,
              "b05_agri_zone_reward", "农业科技园区升级为国家（500 万元）或省（100 万元）农业高新技术产业示范区（platform_approval，"
              "subject=agricultural_high_tech_zone）", ("platform", "enterprise", "research_institution"),
              ("b.art_05.agri_zone_national", "b.art_05.agri_zone_provincial"), window=B.window),
]
