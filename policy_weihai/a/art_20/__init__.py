"""威政发〔2018〕20号 第20条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A
from policy_weihai.vocabulary import A_SILENT

PROVISIONS = [
    Provision("A.20.innovative_county_reward", "国家创新型县（市）、创新型乡镇奖励", A.number, "第20条", "fixed", False,
              "a20_innovative_county_reward", "区市认定为国家创新型县（市）500 万元、乡镇认定为创新型乡镇 100 万元（certification，"
              "subject=national_innovative_county / innovative_town；主体类别 region）", ("region",),
              ("a.art_20.national_innovative_county", "a.art_20.innovative_town"), interpretations=A_SILENT, window=A.window),
]
