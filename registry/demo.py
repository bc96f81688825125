"""A deterministic demo Weihai: enterprises, institutions, platforms, providers, people and demo accounts.

Everything here is synthetic (names, credit codes, figures) except the plan's published counts it is calibrated to:
document C, 二(三) indicator table — high-tech enterprises 738 (2020) → 1,500 (2025), tech SMEs 1,136 → 2,500,
professional incubation carriers 23 → 50, provincial-and-above innovation platforms 370 → 400. At the default size
(4,000 enterprises) these counts are matched exactly; other sizes scale them by N / 4,000.

The same code produces 1,000,000 enterprises for benchmarks: enterprises are generated and inserted in chunks, with
the whole-city draws vectorised in NumPy and the rank-based qualification sets computed once for the whole city. Rows
are plain tuples written with COPY on PostgreSQL (bulk_create on SQLite), and on PostgreSQL a large city is loaded with
the registry's secondary indexes dropped and built again at the end; the random stream is the same either way, so a
seed gives the same city on every database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

from registry.models import (
    AnnualFacts,
    CultivationPoolEntry,
    IndustryChain,
    Level,
    Organization,
    OrganizationKind,
    Person,
    PlatformMembership,
    PlatformType,
    ProviderType,
    Qualification,
    QualificationKind,
    Recognition,
    RecognitionKind,
    Region,
)
from registry.reference import load_reference
from registry.uscc import ALPHABET, make_uscc

DEMO_PASSWORD = "demo12345"
DEFAULT_ENTERPRISES = 4000
FIRST_YEAR = 2019
#: Facts and qualifications reach the current year, so that pages opened today are not empty (at least 2025).
LAST_YEAR = max(2025, dt.date.today().year)
#: Plan path (document C indicator table): value at 2020 and 2025, interpolated linearly in between; after 2025
#: the last yearly increase continues (a plausible continuation, not a plan figure).
HTE_PATH = {2018: 560, 2019: 650, 2020: 738, 2021: 890, 2022: 1040, 2023: 1200, 2024: 1350, 2025: 1500}
TECH_SME_PATH = {2019: 900, 2020: 1136, 2021: 1400, 2022: 1680, 2023: 1950, 2024: 2230, 2025: 2500}

# Name parts: a trade name from two characters, an industry term by chain, and an organisational form.
_TRADE_A = "金新恒宏通博利安德明正天元隆兴万成东方昌永益中广汇蓝威鸿晟辰卓越澳联科"
_TRADE_B = "川泰源鼎诚达远航信翔宇峰盛丰泽润禾瑞康晨光华业邦锐森茂杰豪腾旭嘉和昇毅铭涛悦欣凯普捷弘"
_CHAIN_TERMS = {
    "office_automation": ["办公设备", "打印科技", "智能办公"],
    "smart_terminals": ["智能终端", "自助设备", "物联科技"],
    "optoelectronics": ["光电科技", "通信技术", "光纤传感"],
    "integrated_circuits": ["电子科技", "微电子", "半导体"],
    "carbon_fiber": ["碳纤维", "复合材料", "新材料科技"],
    "advanced_polymers": ["高分子材料", "化工科技", "塑料助剂"],
    "ships_offshore": ["船舶重工", "海洋工程", "船舶配套"],
    "special_vehicles": ["专用汽车", "房车制造", "汽车零部件"],
    "tyres": ["轮胎", "橡胶制品", "橡塑科技"],
    "electric_motors": ["电机", "动力科技", "电气"],
    "laser_technology": ["激光科技", "光学仪器", "精密装备"],
    "marine_biomedicine": ["海洋生物", "生物制品", "海洋药业"],
    "marine_food": ["水产食品", "海洋食品", "海产科技"],
    "medicine_devices": ["医疗器械", "医用材料", "生物医药"],
    "herbal_medicine": ["中药饮片", "西洋参制品", "药业"],
    "textiles_apparel": ["服饰", "纺织科技", "时尚创意"],
    "fishing_tackle": ["渔具", "户外用品", "钓具科技"],
}
_FORMS = ["有限公司", "股份有限公司", "科技有限公司"]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
# Given-name characters (no 子: a surname + 子 reads as a philosopher, e.g. 孔子, 孟子).
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕玉兰晓东晨宇浩然思远文博梓涵雨欣梓轩嘉怡一鸣"

_REGION_WEIGHTS = {  # share of enterprises by division/zone (synthetic)
    "371002": 0.14, "371003": 0.13, "371082": 0.17, "371083": 0.09,
    "Z-GAOQU": 0.16, "Z-JINGQU": 0.13, "Z-LINGANG": 0.08, "Z-NANHAI": 0.06, "Z-ZONGBAO": 0.04,
}

_DEMO_UNIVERSITIES = [  # fictional names
    ("威海滨海理工学院", "university"), ("威海海洋大学（示范）", "university"), ("威海医学高等专科学校（示范）", "university"),
    ("威海职业技术学院（示范）", "university"), ("威海市海洋科学研究院（示范）", "institute"),
    ("威海市农业科学研究院（示范）", "institute"), ("威海先进材料研究所（示范）", "institute"),
    ("胶东半岛装备技术研究院（示范）", "institute"),
]


@dataclass
class DemoSummary:
    enterprises: int = 0
    organizations: int = 0
    annual_facts: int = 0
    qualifications: int = 0
    recognitions: int = 0
    seconds: float = 0.0
    accounts: dict[str, str] = field(default_factory=dict)
    counts_by_year: dict[str, dict[int, int]] = field(default_factory=dict)


def _path_value(path: dict[int, int], year: int) -> int:
    last = max(path)
    if year <= last:
        return path[year]
    return path[last] + (path[last] - path[last - 1]) * (year - last)


def _path_count(path: dict[int, int], year: int, scale: float) -> int:
    return int(round(_path_value(path, year) * scale))


def _date(year: int, rng: random.Random, start_month: int = 1, end_month: int = 12) -> dt.date:
    below = rng._randbelow  # rng.randint(a, b) draws exactly a + rng._randbelow(b - a + 1); this skips its checks
    month = start_month + below(end_month - start_month + 1)
    return dt.date(year, month, 1 + below(28))


def _org_code(i: int, salt: int) -> str:
    """A unique 9-character organisation code (positions 9–17 of a USCC) for index ``i``."""
    n = (i * 13_330_000_093_331 + salt * 104_729 + 1) % (31**9)  # the multiplier is coprime with 31
    chars = []
    for _ in range(9):
        n, r = divmod(n, 31)
        chars.append(ALPHABET[r])
    return "".join(chars)


def _uscc(prefix: str, division: str, i: int, salt: int) -> str:
    return make_uscc(prefix + division + _org_code(i, salt))


def enterprise_name(i: int, chain_code: str, city_short: str) -> str:
    """A natural Chinese enterprise name, unique for each index within a chain and city."""
    terms = _CHAIN_TERMS[chain_code]
    n = i
    n, a = divmod(n, len(_TRADE_A))
    n, b = divmod(n, len(_TRADE_B))
    n, t = divmod(n, len(terms))
    n, f = divmod(n, len(_FORMS))
    n, c = divmod(n, len(_TRADE_B) + 1)
    trade = _TRADE_A[a] + _TRADE_B[b] + ("" if c == 0 else _TRADE_B[c - 1])
    suffix = "" if n == 0 else f"（{n + 1}）"
    form = _FORMS[f]
    if terms[t].endswith("科技") and form.startswith("科技"):
        form = form.removeprefix("科技")  # never "新材料科技科技有限公司"
    return f"{city_short}{trade}{terms[t]}{form}{suffix}"


def person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


class _Rows:
    """Writes rows given as tuples of plain values: COPY on PostgreSQL, ``bulk_create`` elsewhere (SQLite).

    Columns left out get the model's default (``auto_now`` fields: the time the writer was made), as ``bulk_create``
    would give them. Values in decimal columns are floats already rounded to the column's places (or ints); on SQLite
    they become ``Decimal(value)``, on PostgreSQL their text with the column's places — the same stored number.
    """

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.now = timezone.now()

    @contextlib.contextmanager
    def indexes_built_after(self, tables: tuple[type[models.Model], ...], enabled: bool) -> Iterator[None]:
        """On PostgreSQL: drops the tables' indexes that back no constraint, runs the block, creates them again —
        in one transaction, so a failure leaves them as they were."""
        if not (self.pg and enabled):
            yield
            return
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [[m._meta.db_table for m in tables]],
            )
            saved = cur.fetchall()
            # Foreign keys checked at each statement, not queued to the commit (no index is built on a table with
            # queued checks; nor does a long load pile them up).
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, _ in saved:
                cur.execute(f"DROP INDEX {name}")
            yield
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _, ddl in saved:
                cur.execute(ddl)

    def relax_commit(self) -> None:
        """On PostgreSQL, the current transaction's commit does not wait for its WAL to reach disk (a generator's
        rows can be generated again; nothing is left inconsistent)."""
        if self.pg:
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit TO OFF")

    def insert(self, model: type[models.Model], columns: tuple[str, ...], rows: list[tuple], *,
               ids: bool = False) -> list[int]:
        """Inserts ``rows`` (in order); with ``ids``, returns their new primary keys in the same order."""
        if not rows:
            return []
        meta = model._meta
        if not self.pg:
            decimal = [isinstance(meta.get_field(c), models.DecimalField) for c in columns]
            objs = [
                model(**{c: Decimal(v) if d and isinstance(v, float | int) else v
                         for c, d, v in zip(columns, decimal, row, strict=True)})
                for row in rows
            ]
            model.objects.bulk_create(objs, batch_size=5000)
            return [o.pk for o in objs] if ids else []
        given = set(columns)
        rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in given]
        tail = "".join(
            "\t" + _copy_value(self.now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                               else f.get_default())
            for f in rest
        ) + "\n"
        names = [meta.get_field(c).column for c in columns] + [f.column for f in rest]
        qn = connection.ops.quote_name
        new_ids: list[int] = []
        with connection.cursor() as cur:
            if ids:
                cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                            [meta.db_table, meta.pk.column, len(rows)])
                new_ids = [r[0] for r in cur.fetchall()]
                names.insert(0, meta.pk.column)
            sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(n) for n in names)}) FROM STDIN"
            with cur.copy(sql) as copy:
                fmt, tabs = _COPY_TEXT.get, len(columns) - 1
                other = functools.partial(_copy_value, escape=False)
                buf: list[str] = []
                for k, row in enumerate(rows):
                    # Generated text rarely needs escaping: check the joined line (each NULL is one backslash), escape each
                    # value only if needed.
                    line = "\t".join([(fmt(v.__class__) or other)(v) for v in row])
                    if (line.count("\t") != tabs or line.count("\\") != row.count(None) or "\n" in line
                            or "\r" in line):
                        line = "\t".join([_copy_value(v, escape=True) for v in row])
                    line += tail
                    buf.append(f"{new_ids[k]}\t{line}" if ids else line)
                    if len(buf) == 20_000:
                        copy.write("".join(buf))
                        buf.clear()
                if buf:
                    copy.write("".join(buf))
        return new_ids


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
#: COPY text format of each plain type, unescaped (C-level callables: this runs for every value); floats only ever
#: stand for 2-place decimals (see _Rows).
_COPY_TEXT: dict[type, Callable[[object], str]] = {
    str: str,
    int: int.__repr__,
    bool: {True: "t", False: "f"}.__getitem__,
    float: "%.2f".__mod__,
    type(None): {None: "\\N"}.__getitem__,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
    Decimal: str,
    dict: lambda v: json.dumps(v, ensure_ascii=False),
}


def _copy_value(v: object, escape: bool = True) -> str:
    """COPY text of any value (also subclasses of plain types, such as choices), escaped unless told otherwise."""
    fmt = _COPY_TEXT.get(v.__class__)
    if fmt:
        text = fmt(v)
    elif isinstance(v, str):
        text = str.__str__(v)
    elif isinstance(v, int):
        text = int.__repr__(v)
    else:
        raise TypeError(f"no COPY text for {type(v).__name__}")
    return text.translate(_COPY_ESCAPE) if escape and v is not None else text


_BULK_TABLES = (Organization, AnnualFacts, Qualification, Recognition, CultivationPoolEntry, PlatformMembership, Person)
_ORG_COLUMNS = ("kind", "name", "uscc", "region_id", "industry_chain_id", "established_on", "legal_representative")
_FACT_COLUMNS = ("organization_id", "year", "sales_revenue", "main_business_revenue", "rd_expense", "rd_active",
                 "employees", "rd_staff", "invention_patents_granted", "high_tech_product_revenue", "source")
_QUAL_COLUMNS = ("organization_id", "kind", "level", "certification", "certificate_no", "year", "valid_from",
                 "valid_to", "source")
_EVENT_COLUMNS = ("organization_id", "kind", "subject", "title", "level", "grade", "occurred_on", "amount",
                  "platform_id", "reference", "attributes")
_POOL_COLUMNS = ("organization_id", "pool", "entered_on", "exited_on", "exit_reason")


def generate(
    enterprises: int = DEFAULT_ENTERPRISES,
    seed: int = 7,
    chunk_size: int = 20_000,
    fact_years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR),
    with_accounts: bool = True,
    progress: Callable[[int, int], None] | None = None,
    rebuild_indexes: bool | None = None,
) -> DemoSummary:
    """Create the demo city in the current database (expects an empty registry).

    Rows are built as tuples and written with COPY on PostgreSQL (bulk_create on SQLite); the random draws happen in a
    fixed order, so a seed always gives the same city whatever the database or chunk size. With ``rebuild_indexes``
    (by default on PostgreSQL from 20,000 enterprises) the registry tables' secondary indexes are dropped and built
    again once all rows are in, all in one transaction (building an index at once is much faster than growing it).
    """
    started = time.perf_counter()
    load_reference(Region, IndustryChain)
    summary = DemoSummary(enterprises=enterprises)
    scale = enterprises / DEFAULT_ENTERPRISES
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    writer = _Rows()

    regions = {r.code: r for r in Region.objects.exclude(kind__in=["city", "town"])}
    region_codes = list(_REGION_WEIGHTS)
    region_p = np.array([_REGION_WEIGHTS[c] for c in region_codes])
    region_p = region_p / region_p.sum()
    chains = list(IndustryChain.objects.order_by("code"))

    # Whole-city draws, so that the rank-based qualification sets are global.
    n = enterprises
    innovation = nrng.random(n)  # latent: high → earlier high-tech certification
    size = nrng.lognormal(mean=np.log(1.6e7), sigma=1.4, size=n)  # sales revenue in the first fact year (yuan)
    growth = np.clip(nrng.normal(0.08, 0.12, size=n), -0.3, 0.6)
    region_idx = nrng.choice(len(region_codes), size=n, p=region_p)
    chain_idx = nrng.integers(0, len(chains), size=n)
    hte_rank = np.empty(n, dtype=np.int64)
    hte_rank[np.argsort(-innovation, kind="stable")] = np.arange(n)
    sme_score = innovation * 0.6 + nrng.random(n) * 0.4 - (size > 1.5e8) * 2.0
    sme_rank = np.empty(n, dtype=np.int64)
    sme_rank[np.argsort(-sme_score, kind="stable")] = np.arange(n)
    # Plain Python values from here on: indexing NumPy arrays one element at a time is slow.
    innovation_l, size_l, growth_l = innovation.tolist(), size.tolist(), growth.tolist()
    region_l, chain_l, hte_rank_l, sme_rank_l = region_idx.tolist(), chain_idx.tolist(), hte_rank.tolist(), sme_rank.tolist()

    last_year = LAST_YEAR
    hte_count = [(year, _path_count(HTE_PATH, year, scale)) for year in range(2018, last_year + 1)]
    sme_first = min(TECH_SME_PATH)
    sme_count = {year: _path_count(TECH_SME_PATH, year, scale)
                 for year in range(sme_first, max(last_year, fact_years[1]) + 1)}
    sme_years = [(year, sme_count[year]) for year in range(sme_first, last_year + 1)]

    def hte_first_year(rank: int) -> int | None:
        for year, count in hte_count:
            if rank < count:
                return year
        return None

    # rng.randint(a, b) and rng.choice(seq) draw exactly a + below(b - a + 1) and seq[below(len(seq))] (CPython's
    # random); calling _randbelow directly gives the same stream without their argument checks.
    below = rng._randbelow
    enterprise, demo_source = OrganizationKind.ENTERPRISE.value, AnnualFacts.Source.DEMO.value
    above, tech_sme, hte = (QualificationKind.ABOVE_DESIGNATED_SIZE.value, QualificationKind.TECH_SME.value,
                            QualificationKind.HIGH_TECH_ENTERPRISE.value)
    first, re_cert = Qualification.Certification.FIRST.value, Qualification.Certification.RE.value
    certification, contract = RecognitionKind.CERTIFICATION.value, RecognitionKind.TECH_CONTRACT.value
    national, provincial = Level.NATIONAL.value, Level.PROVINCIAL.value
    years = list(range(fact_years[0], fact_years[1] + 1))
    if rebuild_indexes is None:
        rebuild_indexes = writer.pg and n >= 20_000
    with writer.indexes_built_after(_BULK_TABLES, rebuild_indexes):
        for start in range(0, n, chunk_size):
            stop = min(n, start + chunk_size)
            with transaction.atomic():
                writer.relax_commit()
                org_rows = []
                for i in range(start, stop):
                    region = regions[region_codes[region_l[i]]]
                    chain = chains[chain_l[i]]
                    division = region.division_code or "371000"
                    city_short = "威海" if region.kind == "zone" or i % 3 else region.short_name
                    org_rows.append((
                        enterprise, enterprise_name(i, chain.code, city_short), _uscc("91", division, i, seed),
                        region.id, chain.id, dt.date(1995 + (i * 7919) % 29, 1 + i % 12, 1 + i % 28), person_name(rng),
                    ))
                org_ids = writer.insert(Organization, _ORG_COLUMNS, org_rows, ids=True)
                facts, quals, events, pools = [], [], [], []
                for k, oid in enumerate(org_ids):
                    i = start + k
                    base = size_l[i]
                    g = growth_l[i]
                    sme_r = sme_rank_l[i]
                    first_hte = hte_first_year(hte_rank_l[i])
                    for y_i, year in enumerate(years):
                        sales = base * (1 + g) ** y_i * (1 + rng.uniform(-0.05, 0.05))
                        is_hte_year = first_hte is not None and first_hte <= year
                        sme_year = year >= sme_first and sme_r < sme_count[year]
                        if is_hte_year:
                            rd_ratio = rng.uniform(0.035, 0.08)
                        elif sme_year:
                            rd_ratio = rng.uniform(0.02, 0.06)
                        else:
                            rd_ratio = rng.uniform(0.0, 0.025) if rng.random() < 0.5 else 0.0
                        employees = max(3, int(sales / rng.uniform(4e5, 9e5)))
                        if is_hte_year:  # a high-tech enterprise has a real team, R&D staff ≥ 10% of it (认定办法)
                            employees = max(employees, 12 + int(innovation_l[i] * 40))
                        mbr = sales * rng.uniform(0.85, 0.99)
                        facts.append((
                            oid, year, round(sales, 2), round(mbr, 2), round(sales * rd_ratio, 2), rd_ratio > 0,
                            employees,
                            max(int(employees * min(0.5, rd_ratio * 3)), -(-employees // 10) if is_hte_year else 0),
                            int(rng.random() < rd_ratio * 8) * (1 + below(6)),
                            round(sales * rng.uniform(0.5, 0.9), 2) if is_hte_year else None,
                            demo_source,
                        ))
                        if mbr >= 2e7:  # glossary: above designated size = main business revenue ≥ 20 million yuan
                            quals.append((oid, above, "", "", "", year, dt.date(year, 1, 1), dt.date(year, 12, 31),
                                          "统计部门（示范）"))
                    for year, count in sme_years:
                        if sme_r < count:
                            quals.append((
                                oid, tech_sme, "", "", f"{year}3710{i % 10000:04d}{(i * 31) % 100000:05d}", year,
                                _date(year, rng, 3, 9), dt.date(year, 12, 31), "科技型中小企业信息服务平台（示范）",
                            ))
                    if first_hte is not None:
                        issued = dt.date(first_hte, 11 + below(2), 1 + below(20))  # rng.choice([11, 12])
                        if first_hte > 2018 and rng.random() < 0.6:
                            pools.append((oid, "hte_pool", dt.date(first_hte - 1, 5, 1 + i % 28), issued, "认定为高新技术企业"))
                        cert = first
                        while issued.year <= last_year:
                            quals.append((
                                oid, hte, "", cert, f"GR{issued.year}37{(i * 13) % 1000000:06d}", None, issued,
                                issued.replace(year=issued.year + 3) - dt.timedelta(days=1), "高新技术企业认定管理工作网（示范）",
                            ))
                            events.append((
                                oid, certification, "high_tech_enterprise",
                                "高新技术企业" + ("首次认定" if cert == first else "重新认定"), national, "", issued, None, None,
                                "", {"certification": cert},
                            ))
                            issued = issued.replace(year=issued.year + 3) - dt.timedelta(days=5 + below(16))
                            cert = re_cert
                        hr = hte_rank_l[i]
                        if hr < int(75 * scale) and first_hte <= 2021:
                            gy = 2022 + hr % 4
                            quals.append((oid, QualificationKind.GAZELLE.value, "", "", "", None, dt.date(gy, 9, 1),
                                          dt.date(gy + 2, 8, 31), "市科技局（示范）"))
                            if hr % 3 == 0:
                                pools.append((oid, "listing_pool", dt.date(gy, 10, 1), None, ""))
                        elif hr < int(150 * scale):
                            pools.append((oid, "gazelle_pool", dt.date(2023, 6, 1), None, ""))
                        if hr < max(1, int(2 * scale)):
                            quals.append((oid, QualificationKind.UNICORN.value, "", "", "", None, dt.date(2024, 12, 1),
                                          dt.date(last_year + 1, 11, 30), "市科技局（示范）"))
                        if hr < int(12 * scale):
                            quals.append((oid, QualificationKind.LEADING_TECH_ENTERPRISE.value, "", "", "", None,
                                          dt.date(2023, 11, 1), dt.date(last_year + 1, 10, 31), "市科技局（示范）"))
                        if hr % 9 == 1 and hr < int(1200 * scale):
                            little = hr % 5 == 1
                            quals.append((
                                oid,
                                (QualificationKind.LITTLE_GIANT if little else QualificationKind.SPECIALISED_SME).value,
                                national if little else provincial, "", "", None,
                                dt.date(last_year - 2 + (hr // 9) % 2, 7, 1), dt.date(last_year + 1 + (hr // 9) % 2, 6, 30),
                                "工业和信息化部门（示范）",
                            ))
                        if hr % 17 == 0 and hr < int(900 * scale):
                            events.append((
                                oid, contract, "development", "技术开发合同（购买方）", "", "", _date(2024, rng, 1, 12),
                                (20 + below(881)) * 10000, None, "", {"role": "buyer", "seller_located": "outside_jurisdiction"},
                            ))
                writer.insert(AnnualFacts, _FACT_COLUMNS, facts)
                writer.insert(Qualification, _QUAL_COLUMNS, quals)
                writer.insert(Recognition, _EVENT_COLUMNS, events)
                writer.insert(CultivationPoolEntry, _POOL_COLUMNS, pools)
                summary.annual_facts += len(facts)
                summary.qualifications += len(quals)
                summary.recognitions += len(events)
            if progress:
                progress(stop, n)

        _institutions_platforms_providers(rng, scale, seed, summary, fact_years[1], writer)
    if with_accounts:
        summary.accounts = create_demo_accounts()
    summary.organizations = Organization.objects.count()
    summary.counts_by_year = {
        "high_tech_enterprise": {y: count_in_force(QualificationKind.HIGH_TECH_ENTERPRISE, dt.date(y, 12, 31)) for y in range(2020, 2026)},
        "tech_sme": {y: count_in_force(QualificationKind.TECH_SME, dt.date(y, 12, 31)) for y in range(2020, 2026)},
    }
    summary.seconds = time.perf_counter() - started
    return summary


def count_in_force(kind: str, on: dt.date) -> int:
    return (
        Qualification.objects.filter(Qualification.in_force(on), kind=kind).values("organization").distinct().count()
    )


#: Share of each platform group approved by the end of 2020 (document C 二（三）: 370 of 400 technology innovation
#: platforms; 23 of the incubation carriers), the rest approved 2021–2025.
_INCUBATION = {"incubator", "makerspace", "university_science_park", "accelerator", "rural_makerspace"}


def _approval_year(ptype: str, level: str, j: int, count: int) -> int:
    if level == Level.CITY:
        by_2020 = 0.5
    else:
        by_2020 = 23 / 45 if ptype in _INCUBATION else 370 / 400
    if j < round(count * by_2020):
        return 2008 + (j * 5) % 13  # 2008–2020
    return 2021 + j % 5  # 2021–2025


class _Host(NamedTuple):
    id: int
    name: str
    kind: str
    region_id: int
    industry_chain_id: int | None


def _institutions_platforms_providers(rng: random.Random, scale: float, seed: int, summary: DemoSummary,
                                      fact_year: int = LAST_YEAR, writer: _Rows | None = None) -> None:
    writer = writer or _Rows()
    regions = list(Region.objects.filter(kind__in=["division", "zone"]).order_by("code"))
    chains = list(IndustryChain.objects.order_by("code"))
    chain_by_id = {c.id: c for c in chains}
    base = 10_000_000  # index space apart from the enterprises'
    institutions = []
    for k, (name, itype) in enumerate(_DEMO_UNIVERSITIES):
        region = regions[k % len(regions)]
        institutions.append(
            Organization(
                kind=OrganizationKind.RESEARCH_INSTITUTION, name=name, institution_type=itype,
                uscc=_uscc("12", region.division_code or "371000", base + k, seed), region=region,
                located_locally=True, established_on=dt.date(1980 + k * 4, 9, 1),
            )
        )
    institutions.append(
        Organization(
            kind=OrganizationKind.RESEARCH_INSTITUTION, name="胶东海洋工程研究院（市外，示范）", institution_type="institute",
            uscc=_uscc("12", "370200", base + 99, seed), region=regions[0], located_locally=False,
        )
    )
    Organization.objects.bulk_create(institutions)

    # Platforms are led by the largest high-tech enterprises with R&D staff (a provincial key laboratory is not led
    # by a three-person firm): ranked by their latest employees.
    hte_ids = Qualification.objects.filter(kind="high_tech_enterprise").values("organization_id")
    top_enterprises = [
        _Host(*row) for row in
        AnnualFacts.objects.filter(organization_id__in=hte_ids, year=fact_year, rd_staff__gte=5)
        .order_by("-employees", "organization_id")
        .values_list("organization_id", "organization__name", "organization__kind", "organization__region_id",
                     "organization__industry_chain_id")[: max(20, int(600 * scale))]
    ]
    hosts = [_Host(o.pk, o.name, o.kind, o.region_id, o.industry_chain_id) for o in institutions[:8]] + top_enterprises
    # Platforms: (type, level, count at default size). Provincial+national technology innovation platforms: 400 by
    # 2025 of which 370 by 2020; provincial+ incubation carriers: 45 by 2025 of which 23 by 2020 (C 二（三）).
    plan = [
        (PlatformType.KEY_LABORATORY, Level.PROVINCIAL, 40), (PlatformType.NATIONAL_KEY_LABORATORY, Level.NATIONAL, 2),
        (PlatformType.TECHNOLOGY_INNOVATION_CENTER, Level.PROVINCIAL, 30),
        (PlatformType.TECHNOLOGY_INNOVATION_CENTER, Level.NATIONAL, 1),
        (PlatformType.ENGINEERING_RESEARCH_CENTER, Level.PROVINCIAL, 230),
        (PlatformType.CLINICAL_RESEARCH_CENTER, Level.PROVINCIAL, 6), (PlatformType.NEW_RD_INSTITUTION, Level.PROVINCIAL, 24),
        (PlatformType.MANUFACTURING_INNOVATION_CENTER, Level.PROVINCIAL, 3),
        (PlatformType.INTERNATIONAL_COOPERATION_BASE, Level.PROVINCIAL, 20),
        (PlatformType.ACADEMICIAN_WORKSTATION, Level.PROVINCIAL, 40), (PlatformType.PILOT_BASE, Level.PROVINCIAL, 4),
        (PlatformType.INNOVATION_COMMUNITY, Level.PROVINCIAL, 1), (PlatformType.INNOVATION_CONSORTIUM, Level.CITY, 6),
        (PlatformType.KEY_LABORATORY, Level.CITY, 80), (PlatformType.TECHNOLOGY_INNOVATION_CENTER, Level.CITY, 40),
        (PlatformType.INCUBATOR, Level.NATIONAL, 5), (PlatformType.INCUBATOR, Level.PROVINCIAL, 12),
        (PlatformType.MAKERSPACE, Level.NATIONAL, 4), (PlatformType.MAKERSPACE, Level.PROVINCIAL, 14),
        (PlatformType.ACCELERATOR, Level.CITY, 5), (PlatformType.UNIVERSITY_SCIENCE_PARK, Level.PROVINCIAL, 2),
        (PlatformType.RURAL_MAKERSPACE, Level.PROVINCIAL, 8), (PlatformType.TECH_TRANSFER_DEMO_AGENCY, Level.PROVINCIAL, 6),
        (PlatformType.FOREIGN_EXPERT_STUDIO, Level.PROVINCIAL, 8),
    ]
    platforms, host_of, seen = [], [], set()
    for ptype, level, count in plan:
        count = max(1, int(round(count * scale))) if scale < 1 else int(round(count * scale))
        label = PlatformType(ptype).label
        prefix = {Level.PROVINCIAL: "山东省", Level.NATIONAL: "国家"}.get(level, "威海市")
        for j in range(count):
            host = hosts[(len(platforms) * 7 + j) % len(hosts)]
            approved = dt.date(_approval_year(ptype, level, j, count), 1 + j % 12, 1 + j % 27)
            chain = chain_by_id[host.industry_chain_id] if host.industry_chain_id else chains[j % len(chains)]
            domain = _CHAIN_TERMS[chain.code][j % 3]
            if domain.endswith("科技") and label.startswith("科技"):
                domain = domain.removesuffix("科技")  # never "激光科技科技企业孵化器"
            host_short = host.name.removesuffix("有限公司").removesuffix("股份")
            if host.kind == OrganizationKind.ENTERPRISE:
                host_short = host_short[2:]
            name = f"{prefix}{domain}{label}（{host_short}）"
            while name in seen:
                name += "（分部）"
            seen.add(name)
            platforms.append((OrganizationKind.PLATFORM.value, name, ptype.value, level.value, host.region_id, chain.id,
                              approved))
            host_of.append((host, approved))
    platform_ids = writer.insert(
        Organization, ("kind", "name", "platform_type", "level", "region_id", "industry_chain_id", "established_on"),
        platforms, ids=True,
    )
    members, events = [], []
    for pid, platform, (host, approved) in zip(platform_ids, platforms, host_of, strict=True):
        _, name, ptype, level, *_ = platform
        members.append((pid, host.id, "lead", Decimal("100")))
        events.append((
            host.id, RecognitionKind.PLATFORM_APPROVAL.value, ptype, name, level, "", approved,
            rng.choice([100, 200, 300, 500]) * 10000 if level != Level.CITY else None, pid, "（示范）批复文件",
            {"higher_level_funds": level != Level.CITY},
        ))
    writer.insert(PlatformMembership, ("platform_id", "organization_id", "role", "share_pct"), members)
    for k, host in enumerate(hosts[: max(3, int(40 * scale))]):
        level = Level.NATIONAL if k % 10 == 0 else Level.PROVINCIAL
        events.append((
            host.id, RecognitionKind.AWARD.value,
            "national_st_award" if level == Level.NATIONAL else "provincial_st_award",
            "国家科学技术进步奖" if level == Level.NATIONAL else "山东省科学技术进步奖", level.value,
            ["一等奖", "二等奖", "三等奖"][k % 3] if level == Level.PROVINCIAL else "二等奖",
            dt.date(2019 + k % 7, 5 + k % 6, 10), None, None, "", {},
        ))
    writer.insert(Recognition, _EVENT_COLUMNS, events)
    summary.recognitions += len(events)

    providers = []
    types = list(ProviderType)
    for k in range(max(5, int(100 * scale))):
        region = regions[k % len(regions)]
        ptype = types[k % len(types)]
        trade = _TRADE_A[(k * 7) % len(_TRADE_A)] + _TRADE_B[(k * 11) % len(_TRADE_B)]
        providers.append((
            OrganizationKind.SERVICE_PROVIDER.value, ptype.value, f"威海{trade}{ProviderType(ptype).label}服务有限公司",
            region.id, _uscc("91", region.division_code or "371000", base + 1000 + k, seed), dt.date(2008 + k % 15, 3, 1),
        ))
    writer.insert(Organization, ("kind", "provider_type", "name", "region_id", "uscc", "established_on"), providers)
    people = []
    fields = ["新材料", "生物医药", "海洋科学", "电子信息", "智能制造", "财务管理", "知识产权", "食品工程"]
    for k in range(max(10, int(300 * scale))):
        org = hosts[k % len(hosts)]
        people.append((
            (Person.Kind.EXPERT if k % 3 else Person.Kind.TALENT).value, person_name(rng), org.id,
            ["正高级工程师", "教授", "研究员", "高级工程师", "副教授"][k % 5], fields[k % len(fields)], chains[k % len(chains)].id,
        ))
    writer.insert(Person, ("kind", "name", "organization_id", "title", "field", "industry_chain_id"), people)


def create_demo_accounts() -> dict[str, str]:
    """The four demo logins (password ``demo12345``), returned as username → description."""
    from accounts.models import Role, User

    district = Region.objects.get(code="Z-GAOQU")
    # a high-tech enterprise that leads a platform, so its profile shows one; in the demo district's zone, so that
    # the district account reviews the demo enterprise's claims (issue 24)
    enterprises = Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).order_by("id")
    enterprise = None
    for scope in (enterprises.filter(region=district), enterprises):
        enterprise = (
            scope.filter(qualifications__kind="high_tech_enterprise", platform_roles__role="lead").first()
            or scope.filter(qualifications__kind="high_tech_enterprise").first()
            or scope.first()
        )
        if enterprise:
            break
    expert_person = Person.objects.filter(kind=Person.Kind.EXPERT).order_by("id").first()
    specs = [
        ("bureau", "市科技局演示账户", Role.BUREAU, {"is_staff": True, "is_superuser": True}),
        ("district", "高区科技部门演示账户", Role.DISTRICT, {"region": district}),
        ("enterprise", f"{enterprise.name}" if enterprise else "企业演示账户", Role.ENTERPRISE, {"organization": enterprise}),
        ("expert", "专家演示账户", Role.EXPERT, {}),
    ]
    out = {}
    for username, display, role, extra in specs:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = display
        user.role = role
        for key, value in extra.items():
            setattr(user, key, value)
        user.set_password(DEMO_PASSWORD)
        user.save()
        if username == "expert" and expert_person:
            expert_person.account = user
            expert_person.save(update_fields=["account"])
        out[username] = f"{role.label}：{display}"
    return out
