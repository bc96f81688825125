"""威政发〔2023〕5号 第29条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ENT_RES_PLAT

PROVISIONS = [
    Provision("B.29.incubator_reward", "新获批国家级孵化器/大学科技园/专业化众创空间、省级大学科技园奖励", B.number, "第29条",
              "ceiling", True, "b29_incubator_reward", "新获批国家级科技企业孵化器/大学科技园/专业化众创空间（不超过 100 万）或省级大学科技园（不超过 50 万）",
              ENT_RES_PLAT, ("b.art_29.national_incubator", "b.art_29.provincial_university_science_park"),
              window=B.window),
    Provision("B.29.brand_incubator_reward", "山东省品牌科技企业孵化器、品牌众创空间奖励", B.number, "第29条", "one_time", False,
              "b29_brand_incubator_reward", "入选山东省品牌科技企业孵化器（10 万元）、品牌众创空间（5 万元）",
              ENT_RES_PLAT, ("b.art_29.brand_incubator", "b.art_29.brand_makerspace"), window=B.window),
]
