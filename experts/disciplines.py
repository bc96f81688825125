"""Top-level (一级学科) codes of GB/T 13745-2009《学科分类与代码》.

Experts and review items carry discipline codes: a top-level code of three digits, or a deeper code (five or seven
digits) whose first three digits are a top-level code. Matching is on the top-level code.
"""

from __future__ import annotations

#: GB/T 13745-2009, 一级学科 (code, name).
TOP_LEVEL: dict[str, str] = {
    "110": "数学", "120": "信息科学与系统科学", "130": "力学", "140": "物理学", "150": "化学", "160": "天文学",
    "170": "地球科学", "180": "生物学", "190": "心理学",
    "210": "农学", "220": "林学", "230": "畜牧、兽医科学", "240": "水产学",
    "310": "基础医学", "320": "临床医学", "330": "预防医学与公共卫生学", "340": "军事医学与特种医学", "350": "药学",
    "360": "中医学与中药学",
    "410": "工程与技术科学基础学科", "413": "信息与系统科学相关工程与技术", "416": "自然科学相关工程与技术",
    "420": "测绘科学技术", "430": "材料科学", "440": "矿山工程技术", "450": "冶金工程技术", "460": "机械工程",
    "470": "动力与电气工程", "480": "能源科学技术", "490": "核科学技术", "510": "电子与通信技术",
    "520": "计算机科学技术", "530": "化学工程", "535": "产品应用相关工程与技术", "540": "纺织科学技术",
    "550": "食品科学技术", "560": "土木建筑工程", "570": "水利工程", "580": "交通运输工程",
    "590": "航空、航天科学技术", "610": "环境科学技术及资源科学技术", "620": "安全科学技术", "630": "管理学",
    "710": "马克思主义", "720": "哲学", "730": "宗教学", "740": "语言学", "750": "文学", "760": "艺术学",
    "770": "历史学", "780": "考古学", "790": "经济学", "810": "政治学", "820": "法学", "830": "军事学",
    "840": "社会学", "850": "民族学与文化学", "860": "新闻学与传播学", "870": "图书馆、情报与文献学",
    "880": "教育学", "890": "体育科学", "910": "统计学",
}

#: The disciplines closest to each industry chain of document C (六(一)–(七)); used by the demo and as a hint.
CHAIN_DISCIPLINES: dict[str, list[str]] = {
    "office_automation": ["520", "460"], "smart_terminals": ["520", "510"], "optoelectronics": ["510", "140"],
    "integrated_circuits": ["510", "430"], "carbon_fiber": ["430", "530"], "advanced_polymers": ["430", "530"],
    "ships_offshore": ["580", "460"], "special_vehicles": ["580", "460"], "tyres": ["430", "530"],
    "electric_motors": ["470", "460"], "laser_technology": ["140", "460"], "marine_biomedicine": ["180", "350"],
    "marine_food": ["550", "240"], "medicine_devices": ["320", "350"], "herbal_medicine": ["360", "210"],
    "textiles_apparel": ["540", "760"], "fishing_tackle": ["540", "430"],
}


def top_level(code: str) -> str:
    return str(code).strip()[:3]


def code_error(code: str) -> str | None:
    """A Chinese reason when ``code`` is not a GB/T 13745-2009 code this platform knows, else None."""
    code = str(code).strip()
    if not code.isdigit() or len(code) not in (3, 5, 7):
        return f"学科代码“{code}”格式不对：应为 GB/T 13745-2009 的 3 位（一级）、5 位或 7 位数字代码，如 430（材料科学）。"
    if code[:3] not in TOP_LEVEL:
        return f"学科代码“{code}”的一级学科 {code[:3]} 不在 GB/T 13745-2009 一级学科表中，请核对。"
    return None


def label(code: str) -> str:
    return f"{code} {TOP_LEVEL.get(top_level(code), '')}".strip()
