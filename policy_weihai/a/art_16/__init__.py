"""威政发〔2018〕20号 第16条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import PerUnitCapped
from policy.jurisdiction import Provision
from policy_weihai.documents import A, D
from policy_weihai.vocabulary import A_SILENT, ALL_KINDS, ENT_RES_PLAT

PROVISIONS = [
    Provision("A.16.national_incubator_reward", "国家级孵化器、国家专业化众创空间一次性奖励", A.number, "第16条", "one_time",
              False, "a16_national_incubator_reward", "认定为国家级科技企业孵化器/国家专业化众创空间（2023年7月13日前认定）",
              ENT_RES_PLAT, ("a.art_16.national_incubator",), also_cited=(f"{D.number} 二（四）2",), window=A.window),
    Provision("A.16.incubatee_upgrade_reward", "在孵企业升级高企奖励孵化器", A.number, "第16条", "per_unit", False,
              "a16_incubatee_upgrade_reward", "在孵企业 3 年孵化期内升级为高新技术企业（每家 10 万元，每年最高 100 万元）",
              ENT_RES_PLAT, ("a.art_16.incubatee_upgrade_reward", "a.art_16.incubatee_upgrade_cap"),
              also_cited=(f"{D.number} 二（四）2",), interpretations=("a_survives_b",),
              cap_parameter="a.art_16.incubatee_upgrade_cap", window=A.window,
              explanation=PerUnitCapped("a16_incubatee_upgrade_event", "在孵企业升级高新技术企业", "a.art_16.incubatee_upgrade_cap", facts_key="upgraded_incubatees")),
    Provision("A.16.rural_makerspace_ceiling", "认定为星创天地择优奖励", A.number, "第16条", "ceiling", True,
              "a16_rural_makerspace_ceiling", "认定为星创天地（platform_approval，subject=rural_makerspace）：择优 100 万元",
              ("platform", "enterprise", "research_institution"), ("a.art_16.rural_makerspace",), interpretations=A_SILENT, window=A.window),
    Provision("A.16.brand_incubator_matching", "山东省品牌科技企业孵化器和众创空间省拨资金1:1配套", A.number, "第16条", "matching", False,
              "a16_brand_incubator_matching", "认定为山东省品牌科技企业孵化器/众创空间（certification，subject=brand_incubator/"
              "brand_makerspace，amount=省拨资金），金额=省拨资金×1（B 生效期间由 B 第29条 10/5 万元取代）",
              ("platform", "enterprise", "research_institution"), ("a.art_16.brand_matching_ratio",),
              also_cited=(f"{D.number} 二（四）2",), window=A.window),
    Provision("A.16.innovation_event_ceiling", "举办、领办、协办市级以上创新创业活动奖励", A.number, "第16条", "ceiling", True,
              "a16_innovation_event_ceiling", "举办、领办、协办市级以上创新创业大赛、创客活动周等（other，subject=innovation_event_host，"
              "level=city/provincial/national）：每年最高 100 万元（B 生效期间由 B 第13条取代）", ALL_KINDS,
              ("a.art_16.innovation_event",), event_level=False, also_cited=(f"{D.number} 二（四）2",),
              cap_parameter="a.art_16.innovation_event", window=A.window),
    Provision("A.16.contest_finalist_reward", "进入中国创新创业大赛全国行业总决赛奖励", A.number, "第16条", "fixed", False,
              "a16_contest_finalist_reward", "进入中国创新创业大赛全国行业总决赛（award，subject=china_innovation_contest_finalist）：10 万元"
              "（B 生效期间由 B 第16条取代）", ("enterprise", "research_institution"), ("a.art_16.contest_finalist",), window=A.window),
    Provision("A.16.contest_prize_matching", "中国创新创业大赛获奖国家、省、市1:1:1配套", A.number, "第16条", "matching", False,
              "a16_contest_prize_matching", "中国创新创业大赛获奖（award，subject=china_innovation_contest_prize，amount=国家级奖金），"
              "金额=国家级奖金×1", ("enterprise", "research_institution"), ("a.art_16.contest_prize_matching_ratio",),
              interpretations=A_SILENT, window=A.window),
    Provision("A.16.advanced_service_enterprise_reward", "技术先进型服务企业一次性奖励", A.number, "第16条", "one_time", False,
              "a16_advanced_service_enterprise_reward", "经认定为技术先进型服务企业（certification，subject=advanced_tech_service_enterprise）："
              "一次性 20 万元", ("enterprise", "service_provider"), ("a.art_16.advanced_service_enterprise",),
              also_cited=(f"{D.number} 二（四）4",), interpretations=A_SILENT, window=A.window),
]
