"""Reference data of the Weihai policy package: regions and industry chains, with their sources (loaded into the
registry by ``registry.reference.load_reference``), and the monthly tables the rules read (``REFERENCE_TABLES``: kept
by staff on the reference pages, seeded from ``data/``).

- County-level divisions: GB/T 2260 codes as listed in GLOSSARY.md (威海市 371000, 环翠区 371002, 文登区 371003,
  荣成市 371082, 乳山市 371083).
- Functional zones (高区, 经区, 临港区, 南海新区, 综保区): named in document C (三(一) "五区" and 三(二)) and in
  the documents' addressees; they have no GB/T 2260 code, so their ``code`` is an internal one.
- Other prefecture-level cities of Shandong (``OUTSIDE``): GB/T 2260 code prefixes, to name where an organisation
  outside the city is registered.
- Industry technology innovation chains: document C, 六 "产业技术创新链" paragraphs, grouped under the clusters the
  plan names them in.
"""

from __future__ import annotations

import datetime as dt
import os

from policy.jurisdiction import Reference, ReferenceTable

CITY = ("371000", "威海市", "威海")

DIVISIONS = [
    ("371002", "环翠区", "环翠"),
    ("371003", "文登区", "文登"),
    ("371082", "荣成市", "荣成"),
    ("371083", "乳山市", "乳山"),
]

ZONES = [
    ("Z-GAOQU", "威海火炬高技术产业开发区", "高区"),
    ("Z-JINGQU", "威海经济技术开发区", "经区"),
    ("Z-LINGANG", "威海临港经济技术开发区", "临港区"),
    ("Z-NANHAI", "威海南海新区", "南海新区"),
    ("Z-ZONGBAO", "威海综合保税区", "综保区"),
]

#: (code, chain name, cluster) — document C, 六(一)–(七).
INDUSTRY_CHAINS = [
    ("office_automation", "智能办公自动化", "新一代信息技术"),
    ("smart_terminals", "智能服务终端", "新一代信息技术"),
    ("optoelectronics", "光电子及通信传输", "新一代信息技术"),
    ("integrated_circuits", "集成电路及电子信息元器件", "新一代信息技术"),
    ("carbon_fiber", "碳纤维及复合材料", "碳纤维等新材料"),
    ("advanced_polymers", "先进高分子材料", "碳纤维等新材料"),
    ("ships_offshore", "高端船舶与海工装备", "高端装备"),
    ("special_vehicles", "专用汽车", "高端装备"),
    ("tyres", "轮胎", "高端装备"),
    ("electric_motors", "电机", "高端装备"),
    ("laser_technology", "激光技术", "高端装备"),
    ("marine_biomedicine", "海洋生物医药与生物制品", "海洋生物与健康食品"),
    ("marine_food", "海洋健康食品", "海洋生物与健康食品"),
    ("medicine_devices", "新医药与医疗器械", "医药医疗器械"),
    ("herbal_medicine", "中药材", "医药医疗器械"),
    ("textiles_apparel", "纺织服装", "时尚创意"),
    ("fishing_tackle", "钓具", "时尚创意"),
]


#: The province's other prefecture-level cities (GB/T 2260 code prefix, name), named in the reason a provision of the
#: city does not apply to an organisation registered there (e.g. 370602 烟台市芝罘区 → 烟台市).
OUTSIDE = [
    ("3701", "济南市"), ("3702", "青岛市"), ("3703", "淄博市"), ("3704", "枣庄市"), ("3705", "东营市"), ("3706", "烟台市"),
    ("3707", "潍坊市"), ("3708", "济宁市"), ("3709", "泰安市"), ("3711", "日照市"), ("3713", "临沂市"), ("3714", "德州市"),
    ("3715", "聊城市"), ("3716", "滨州市"), ("3717", "菏泽市"),
]


REFERENCE = Reference(city=CITY, divisions=tuple(DIVISIONS), zones=tuple(ZONES), industry_chains=tuple(INDUSTRY_CHAINS),
                      outside=tuple(OUTSIDE))


def _ip_loans_need() -> dt.date | None:
    """The LPR month the latest registered 知识产权质押贷款 needs (the month before its contract), if any."""
    from scifinance.models import Loan

    latest = Loan.objects.filter(product="ip_pledge_loan").order_by("-contract_date").values_list(
        "contract_date", flat=True).first()
    return (latest.replace(day=1) - dt.timedelta(days=1)).replace(day=1) if latest else None


#: Monthly tables the rules read (the parameter ``reference.<code>``), with the provisions that read them.
REFERENCE_TABLES = (
    ReferenceTable("lpr_1y", "1 年期 LPR", "1 年期贷款市场报价利率（LPR）", "%",
                   "中国人民银行授权全国银行间同业拆借中心公布",
                   os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "lpr_1y.csv"),
                   provisions=("B.25.ip_loan_interest",), needed_through=_ip_loans_need),
)
