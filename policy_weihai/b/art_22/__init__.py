"""威政发〔2023〕5号 第22条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import EventAmounts, Matching
from policy.jurisdiction import Provision
from policy_weihai.a.art_14 import PROVINCIAL_MATCHING, PROVINCIAL_MISSING
from policy_weihai.documents import B

PROVISIONS = [
    Provision("B.22.national_award_matching", "国家科学技术奖配套奖励（第一完成单位）", B.number, "第22条", "fixed", False,
              "b22_national_award_matching", "作为第一完成单位获国家科学技术奖特等/一等/二等奖（300/200/100 万元）",
              ("enterprise", "research_institution"),
              ("b.art_22.national_award_special", "b.art_22.national_award_first", "b.art_22.national_award_second"),
              window=B.window),
    Provision("B.22.provincial_award_matching", "省科学技术奖省市 1:1 配套", B.number, "第22条", "matching", False,
              "b22_provincial_award_matching", "获省科学技术奖特等/一等/二等/青年奖，金额=省奖金×1",
              ("enterprise", "research_institution"), ("b.art_22.provincial_award_matching_ratio",), window=B.window,
              explanation=EventAmounts(matching=Matching(ratio="b.art_22.provincial_award_matching_ratio", kind="award", subject="provincial_st_award", grades=("special", "first", "second", "youth"), window="b", template=PROVINCIAL_MATCHING, missing=PROVINCIAL_MISSING))),
    Provision("B.22.top_science_award_person", "国家、省最高科学技术奖个人配套奖励", B.number, "第22条", "fixed", False,
              "b22_top_science_award_person", "个人获得国家、省最高科学技术奖（award，subject=top_science_award，level=national/"
              "provincial；主体类别 person）：500 万元、200 万元", ("person",),
              ("b.art_22.top_award_national", "b.art_22.top_award_provincial"), window=B.window),
]
