"""Region codes of GB/T 2260 (中华人民共和国行政区划代码) as the engine checks them: the jurisdiction's own codes (its
reference), or a six-digit code of another province-level division (the first two digits name the province), which
is a known place outside the jurisdiction. Anything else is an unknown code, refused with the list of valid ones."""

from __future__ import annotations

import re

#: GB/T 2260 province-level divisions: the first two digits of a six-digit code.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省",
    "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


def _city_prefix(city_code: str) -> str:
    """The digits every code under the city shares (a prefecture-level city ``xxxx00``: its first four)."""
    return city_code[:4] if city_code.endswith("00") else city_code


def describe(code: str, reference) -> tuple[bool, str] | None:  # noqa: ANN001 - policy.jurisdiction.Reference
    """(inside the jurisdiction, name) of a region code, or None when the code is unknown. A six-digit code under the
    city's own prefix that the reference does not list is unknown (the reference lists every division of the city)."""
    own = reference.codes()
    if code in own:
        return True, own[code]
    if not re.fullmatch(r"\d{6}", code) or code[:2] not in PROVINCES:
        return None
    if code.startswith(_city_prefix(reference.city[0])):
        return None
    name = reference.name_of(code)
    province = PROVINCES[code[:2]]
    return False, name if name.startswith(province) else province + name
