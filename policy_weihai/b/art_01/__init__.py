"""威政发〔2023〕5号 第1条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import EventAmounts, EventSplit
from policy.jurisdiction import Provision
from policy_weihai.documents import B
from policy_weihai.vocabulary import ENT_RES_PLAT

#: The platforms of 第1条 that are ceilings (不超过/择优) rather than fixed amounts: provincial and city ones, the
#: provincial innovation communities and the manufacturing innovation centres.
PLATFORM_SPLIT = EventSplit(ceiling_subjects=("innovation_community", "manufacturing_innovation_center"),
                            ceiling_levels=("provincial", "city"))


PROVISIONS = [
    Provision("B.01.platform_reward", "获批全国重点实验室、国家级技术创新中心/临床医学研究中心奖励", B.number, "第1条", "fixed",
              False, "b01_platform_reward", "获批全国重点实验室（牵头 1000 万、参与 500 万）、国家级技术创新中心/临床医学研究中心",
              ENT_RES_PLAT, ("b.art_01.national_key_lab_lead", "b.art_01.national_key_lab_participant",
                             "b.art_01.national_tic"), window=B.window,
              explanation=EventAmounts(split=PLATFORM_SPLIT)),
    Provision("B.01.platform_ceiling", "获批省级共同体、制造业创新中心、省/市级重点实验室等（不超过）", B.number, "第1条", "ceiling",
              True, "b01_platform_reward", "获批省级创新创业共同体、国家/省级制造业创新中心（牵头）、省级或市级重点实验室/技术创新中心/临床医学研究中心",
              ENT_RES_PLAT, ("b.art_01.provincial_community", "b.art_01.manufacturing_national",
                             "b.art_01.manufacturing_provincial", "b.art_01.provincial_platform",
                             "b.art_01.city_platform"), window=B.window,
              explanation=EventAmounts(split=PLATFORM_SPLIT)),
]
