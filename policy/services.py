"""The one door to the policy engine: web pages, REST API, command line and batch jobs all call these functions.

Facts (a situation dict or registry rows) → openfisca simulation (policy_weihai) → per-provision results with the
citation, the arithmetic in Chinese, the interpretations relied on and the caveats.

Situation shape (the registry's vocabulary)::

    {"kind": "enterprise", "region": "371002",
     "qualifications": [{"kind": "high_tech_enterprise", "valid_from": "2024-05-01", "valid_to": "2026-12-31",
                         "certification": "first_certification"}],
     "recognitions": [{"kind": "platform_approval", "subject": "technology_innovation_center", "level": "national",
                       "occurred_on": "2024-03-01", "amount": null, "role": "lead", "grade": ""}],
     "annual_facts": {"2024": {"rd_expense": "5000000", "sales_revenue": "80000000", "rd_active": true}}}
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.conf import settings
from openfisca_core import periods
from openfisca_core.simulations import SimulationBuilder

from policy.catalogue import B01_CEILING_SUBJECTS, BY_ID, INTERPRETATIONS, PROVISIONS, Provision
from policy.catalogue import B as B_DOC
from policy.facts import Facts
from policy_weihai import build_system
from policy_weihai.variables.common import GRADE_CODES, RULES, Path, Rule, at_dates, window_ok
from policy_weihai.variables.doc_b import B14_BUYER_ROLES, B14_CONTRACT_TYPES

ORG_KINDS = {"enterprise": "企业", "research_institution": "高校院所", "platform": "创新平台/载体",
             "service_provider": "科技服务机构", "region": "区市/开发区/乡镇（政府、管委）", "person": "个人"}
RECOGNITION_KINDS = {"platform_approval", "platform_evaluation", "award", "certification", "project", "talent",
                     "listing", "tech_contract", "financing", "standard", "other"}
QUALIFICATION_KINDS = {"tech_sme", "high_tech_enterprise", "gazelle", "unicorn", "leading_tech_enterprise",
                       "specialised_sme", "little_giant", "above_designated_size"}
LEVELS = {"", "city", "provincial", "national"}
ANNUAL_FIELDS = {"sales_revenue": "销售收入", "main_business_revenue": "主营业务收入", "rd_expense": "研发投入",
                 "rd_active": "有研发活动", "employees": "从业人员", "rd_staff": "研发人员",
                 "invention_patents_granted": "发明专利授权量", "high_tech_product_revenue": "高新技术产品收入",
                 "agency_invention_patents": "代理市内发明专利授权量（服务机构）"}
SITUATION_KEYS = {"kind", "region", "name", "id", "qualifications", "recognitions", "annual_facts"}
QUAL_KEYS = {"kind", "valid_from", "valid_to", "certification", "level", "year", "certificate_no"}
REC_KEYS = {"kind", "subject", "level", "grade", "occurred_on", "amount", "role", "title", "attributes", "reference"}
#: Event kinds whose provisions accept only some organisation kinds (strict situations raise on a mismatch).
EVENT_KIND_ACCEPTS = {"tech_contract": ("enterprise",)}
BATCH = 10000  # organisations per simulation (parameters are looked up once per batch and date)


class PolicyInputError(ValueError):
    """Bad input: names the field and the fix, in Chinese."""


@dataclass
class ProvisionResult:
    provision_id: str
    title: str
    document: str
    article: str
    form: str
    is_ceiling: bool
    amount: Decimal
    status: str
    explanation: str
    missing: str = ""
    facts_used: dict = field(default_factory=dict)
    interpretations: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["amount"] = str(self.amount)
        return d


@dataclass
class EvaluationResult:
    subject: str
    period: str
    results: list[ProvisionResult]

    @property
    def applicable(self) -> list[ProvisionResult]:
        return [r for r in self.results if r.status == "applies"]

    @property
    def total_fixed(self) -> Decimal:
        return sum((r.amount for r in self.applicable if not r.is_ceiling), Decimal(0))

    @property
    def total_ceiling(self) -> Decimal:
        return sum((r.amount for r in self.applicable if r.is_ceiling), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "period": self.period, "total_fixed": str(self.total_fixed),
                "total_ceiling": str(self.total_ceiling), "results": [r.to_dict() for r in self.results]}


# ---------------------------------------------------------------- formatting


def wan(yuan: float | Decimal) -> str:
    """Yuan as a Chinese 万元 figure: 1500000 → '150 万元'."""
    v = Decimal(str(yuan)) / Decimal(10000)
    text = format(v.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize(), "f")
    return f"{text} 万元"


def pct(x: float) -> str:
    return f"{x * 100:.1f}%".replace(".0%", "%")


def yuan(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(Decimal("0.01"))


# ---------------------------------------------------------------- input checking


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise PolicyInputError(f"{where}：日期格式应为 YYYY-MM-DD（如 2024-03-01），收到 {value!r}。")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PolicyInputError(f"{where}：{value!r} 不是有效日期，请核对年月日。") from None


def _money(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PolicyInputError(f"{where}：应为数字（元），收到 {value!r}。") from None
    if not d.is_finite():
        raise PolicyInputError(f"{where}：应为有限数字（元），收到 {value!r}。")
    if d < 0:
        raise PolicyInputError(f"{where}：金额/数量不能为负数（收到 {value}），请填写 0 或正数。")
    return float(d)


def parse_period(period: str | int) -> int:
    text = str(period).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise PolicyInputError(f"period：期间应为四位年度（如 2024），收到 {period!r}。")
    year = int(text)
    if not 2018 <= year <= 2100:
        raise PolicyInputError(f"period：年度 {year} 超出范围，政策文件自 2018 年起生效，请填写 2018 年及以后的年度。")
    return year


def normalise_situation(situation: dict, year: int, strict: bool = True) -> dict[str, Any]:
    """Check a situation and reduce it to the facts of ``year`` (an organisation row and its events)."""
    if not isinstance(situation, dict):
        raise PolicyInputError("situation：应为 JSON 对象（字典）。")
    unknown = set(situation) - SITUATION_KEYS
    if unknown:
        raise PolicyInputError(f"situation.{sorted(unknown)[0]}：未知的事实字段；可用字段为 {', '.join(sorted(SITUATION_KEYS))}。")
    kind = situation.get("kind")
    if kind not in ORG_KINDS:
        raise PolicyInputError(f"kind：主体类别应为 {', '.join(ORG_KINDS)} 之一，收到 {kind!r}。")
    facts: dict[str, Any] = {"kind": kind, "region": situation.get("region") or ""}

    hte_on: dt.date | None = None
    hte_first = False
    held: set[str] = set()
    for i, q in enumerate(situation.get("qualifications") or []):
        where = f"qualifications[{i}]"
        if not isinstance(q, dict):
            raise PolicyInputError(f"{where}：应为对象。")
        if set(q) - QUAL_KEYS:
            raise PolicyInputError(f"{where}.{sorted(set(q) - QUAL_KEYS)[0]}：未知字段；可用字段为 {', '.join(sorted(QUAL_KEYS))}。")
        if q.get("kind") not in QUALIFICATION_KINDS:
            raise PolicyInputError(f"{where}.kind：未知资质 {q.get('kind')!r}；可用 {', '.join(sorted(QUALIFICATION_KINDS))}。")
        start, end = _date(q.get("valid_from"), f"{where}.valid_from"), _date(q.get("valid_to"), f"{where}.valid_to")
        if end < start:
            raise PolicyInputError(f"{where}.valid_to：有效期止不能早于有效期起。")
        if start <= dt.date(year, 12, 31) and end >= dt.date(year, 1, 1):
            held.add(q["kind"])
        if q["kind"] == "high_tech_enterprise" and start.year == year:
            hte_on = start
            hte_first = q.get("certification", "first_certification") == "first_certification"
    facts.update(is_high_tech_enterprise="high_tech_enterprise" in held, is_tech_sme="tech_sme" in held,
                 above_designated_size="above_designated_size" in held, hte_certified=hte_on is not None,
                 is_leading_tech_enterprise="leading_tech_enterprise" in held,
                 is_specialised_sme=bool({"specialised_sme", "little_giant"} & held),
                 hte_first_certification=hte_first, hte_certified_on=hte_on)

    annual = situation.get("annual_facts") or {}
    if not isinstance(annual, dict):
        raise PolicyInputError("annual_facts：应为以年度为键的对象，如 {\"2024\": {\"rd_expense\": \"5000000\"}}。")
    by_year: dict[int, dict[str, Any]] = {}
    for key, row in annual.items():
        if not re.fullmatch(r"\d{4}", str(key)):
            raise PolicyInputError(f"annual_facts.{key}：键应为四位年度（如 2024）。")
        if not isinstance(row, dict):
            raise PolicyInputError(f"annual_facts.{key}：应为对象。")
        extra = set(row) - set(ANNUAL_FIELDS)
        if extra:
            raise PolicyInputError(f"annual_facts.{key}.{sorted(extra)[0]}：未知的年度事实；可用 {', '.join(ANNUAL_FIELDS)}。")
        clean: dict[str, Any] = {}
        for name, value in row.items():
            if name == "rd_active":
                if value not in (None, True, False):
                    raise PolicyInputError(f"annual_facts.{key}.rd_active：应为 true 或 false。")
                clean[name] = value
            else:
                clean[name] = _money(value, f"annual_facts.{key}.{name}")
        by_year[int(key)] = clean
    cur, prev = by_year.get(year, {}), by_year.get(year - 1, {})
    rd_active = cur.get("rd_active")
    facts.update(
        rd_expense=cur.get("rd_expense"), rd_expense_prev=prev.get("rd_expense"),
        rd_active=rd_active if rd_active is not None else bool(cur.get("rd_expense")),
        sales_revenue_y0=cur.get("sales_revenue"), sales_revenue_y1=prev.get("sales_revenue"),
        sales_revenue_y3=by_year.get(year - 3, {}).get("sales_revenue"),
        invention_patents_granted=cur.get("invention_patents_granted"),
        agency_invention_patents=cur.get("agency_invention_patents"),
    )

    events = []
    for i, r in enumerate(situation.get("recognitions") or []):
        where = f"recognitions[{i}]"
        if not isinstance(r, dict):
            raise PolicyInputError(f"{where}：应为对象。")
        if set(r) - REC_KEYS:
            raise PolicyInputError(f"{where}.{sorted(set(r) - REC_KEYS)[0]}：未知字段；可用字段为 {', '.join(sorted(REC_KEYS))}。")
        if r.get("kind") not in RECOGNITION_KINDS:
            raise PolicyInputError(f"{where}.kind：未知事件类别 {r.get('kind')!r}；可用 {', '.join(sorted(RECOGNITION_KINDS))}。")
        level = r.get("level") or ""
        if level not in LEVELS:
            raise PolicyInputError(f"{where}.level：级别应为 city、provincial 或 national，收到 {level!r}。")
        grade = r.get("grade") or ""
        if grade and grade not in GRADE_CODES and grade not in GRADE_CODES.values():
            raise PolicyInputError(f"{where}.grade：等次应为 {'、'.join(GRADE_CODES)} 之一，收到 {grade!r}。")
        on = _date(r.get("occurred_on"), f"{where}.occurred_on")
        amount = _money(r.get("amount"), f"{where}.amount")
        accepts = EVENT_KIND_ACCEPTS.get(r["kind"])
        if strict and accepts and kind not in accepts:
            raise PolicyInputError(f"{where}.kind：{r['kind']} 相关条款只适用于 {'、'.join(ORG_KINDS[k] for k in accepts)}，"
                                   f"本主体类别为 {ORG_KINDS[kind]}。")
        role = r.get("role") or (r.get("attributes") or {}).get("role") or ""
        if on.year != year:
            continue
        subject = str(r.get("subject") or "")
        if not subject.isascii():
            raise PolicyInputError(f"{where}.subject：事项应为代码（如 technology_innovation_center），收到 {subject!r}。")
        attributes = r.get("attributes") or {}
        located = attributes.get("seller_located", "")
        registered = attributes.get("registered")
        seller_kind = attributes.get("seller_kind", "")
        events.append({"kind": r["kind"], "subject": subject, "level": level,
                       "grade": GRADE_CODES.get(grade, grade), "role": str(role), "date": on,
                       "amount": amount or 0.0, "title": r.get("title") or "", "amount_given": amount is not None,
                       "seller_in_weihai": located != "outside_weihai",
                       "seller_known": bool(located) and bool(seller_kind) and registered is not None,
                       "registered": registered is not False,
                       "seller_is_institution": seller_kind in ("", "research_institution")})
    facts["events"] = events
    return facts


# ---------------------------------------------------------------- the engine


def _interpretation_settings(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    chosen = {name: i.default for name, i in INTERPRETATIONS.items()}
    for source in (getattr(settings, "POLICY_INTERPRETATIONS", {}) or {}, extra or {}):
        for name, value in source.items():
            if name not in INTERPRETATIONS:
                raise PolicyInputError(f"interpretations.{name}：未知的解释口径；可用 {', '.join(INTERPRETATIONS)}。")
            if value not in INTERPRETATIONS[name].choices:
                raise PolicyInputError(f"interpretations.{name}：可选值为 {INTERPRETATIONS[name].choices}，收到 {value!r}。")
            chosen[name] = value
    return chosen


@functools.lru_cache(maxsize=1)
def _base_system() -> Any:
    return build_system()


def _param(node: Any, path: str) -> Any:
    for part in path.split("."):
        node = node.children.get(part) if hasattr(node, "children") else None
        if node is None:
            raise PolicyInputError(f"overrides.{path}：未知的政策参数路径；可调参数见 tunable_parameters()。")
    if hasattr(node, "children"):
        raise PolicyInputError(f"overrides.{path}：这是参数组而不是单个参数，请写到具体参数。")
    return node


def _bounds(param: Any) -> tuple[Decimal, Decimal]:
    unit = (param.metadata or {}).get("unit", "")
    if unit == "/1":
        return Decimal(0), Decimal(1)
    values = [v.value for v in param.values_list if v.value is not None]
    return Decimal(0), Decimal(str(max(values) * 10 if values else 0))


@functools.lru_cache(maxsize=64)
def _system(year: int, overrides: tuple[tuple[str, str], ...], interpretations: tuple[tuple[str, Any], ...]) -> Any:
    base = _base_system()
    if not overrides and all(INTERPRETATIONS[n].default == v for n, v in interpretations):
        return base
    tbs = base.clone()
    for path, value in overrides:
        param = _param(tbs.parameters, path)
        starts = [v.instant_str for v in param.values_list if v.value is not None]
        start = max(f"{year}-01-01", min(starts))
        try:
            param(start)
            in_year = start <= f"{year}-12-31"
        except Exception:  # noqa: BLE001 - not in force on that day
            in_year = False
        if not in_year:
            raise PolicyInputError(f"overrides.{path}：该参数在 {year} 年不在有效期内，不能调整。")
        stop = f"{year}-12-31"
        end = [v.instant_str for v in param.values_list if v.value is None and v.instant_str > start]
        if end:
            stop = min(stop, (dt.date.fromisoformat(min(end)) - dt.timedelta(days=1)).isoformat())
        param.update(start=periods.instant(start), stop=periods.instant(stop), value=float(value))
    for name, value in interpretations:
        spec = INTERPRETATIONS[name]
        if spec.parameter:
            _param(tbs.parameters, spec.parameter).update(start=periods.instant("2018-01-01"), value=1 if value else 0)
    return tbs


def _check_overrides(overrides: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for path, raw in (overrides or {}).items():
        param = _param(_base_system().parameters, path)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise PolicyInputError(f"overrides.{path}：应为数字，收到 {raw!r}。") from None
        low, high = _bounds(param)
        if not value.is_finite() or value < low or value > high:
            raise PolicyInputError(f"overrides.{path}：取值应在 {low} 至 {high} 之间，收到 {raw}。")
        out.append((path, str(value)))
    return tuple(sorted(out))


ORG_FLOATS = ["rd_expense", "rd_expense_prev", "sales_revenue_y0", "sales_revenue_y1", "sales_revenue_y3",
              "invention_patents_granted", "agency_invention_patents"]
ORG_BOOLS = ["rd_active", "above_designated_size", "is_high_tech_enterprise", "is_tech_sme", "hte_certified",
             "hte_first_certification", "is_leading_tech_enterprise", "is_specialised_sme"]
#: Per-event helper variables the explanations read (besides each provision's own variable).
HELPER_VARIABLES = {"hte_sales_cagr", "b14_contract_subsidy_event", "a16_incubatee_upgrade_event", "b25_ip_loan_lpr",
                    "b27_tech_bank_loan_amount"}


def compute(rows: Sequence[dict[str, Any]] | Facts, year: int, tbs: Any) -> dict[str, np.ndarray]:
    """One vectorised openfisca simulation for many organisations; returns every provision variable's array.

    ``rows``: normalise_situation's dicts, or the same facts in columns (policy.facts.Facts, as screening reads them).
    """
    f = rows if isinstance(rows, Facts) else Facts.from_rows(rows, year)
    n = f.n
    owner = np.concatenate([f.owner, np.arange(n)])  # one placeholder event per organisation: every group has one
    m = len(owner)
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("event", [str(k) for k in range(m)])
    orgs = builder.declare_entity("organisation", [str(k) for k in range(n)])
    builder.join_with_persons(orgs, owner.astype(str), np.array(["event"] * m))
    sim = builder.build(tbs)
    period = str(year)
    ev = f.events
    placeholder = np.full(n, "", dtype=object)
    for name in ("kind", "subject", "level", "grade", "role"):
        sim.set_input(f"event_{name}", period, np.concatenate([ev[name], placeholder]))
    sim.set_input("event_date", period, np.concatenate([ev["date"], np.full(n, np.datetime64(f"{year}-01-01"))]))
    sim.set_input("event_amount", period, np.concatenate([ev["amount"], np.zeros(n)]))
    ones = np.ones(n, dtype=bool)
    sim.set_input("event_seller_in_weihai", period, np.concatenate([ev["seller_in_weihai"], ones]))
    sim.set_input("event_contract_registered", period, np.concatenate([ev["registered"], ones]))
    sim.set_input("event_seller_is_institution", period, np.concatenate([ev["seller_is_institution"], ones]))
    sim.set_input("event_org_kind", period, np.concatenate([f.kind[f.owner], placeholder]))
    is_ent = f.kind == "enterprise"
    sim.set_input("event_is_enterprise", period, np.concatenate([is_ent[f.owner], np.zeros(n, bool)]))
    sim.set_input("org_is_enterprise", period, is_ent)
    sim.set_input("org_is_service_provider", period, f.kind == "service_provider")
    for name in ORG_FLOATS:
        sim.set_input(name, period, np.nan_to_num(f.floats[name], nan=0.0))
    for name in ORG_BOOLS:
        sim.set_input(name, period, f.bools[name])
    sim.set_input("hte_certified_on", period, np.where(np.isnat(f.hte_certified_on), np.datetime64(f"{year}-01-01"),
                                                       f.hte_certified_on))
    out: dict[str, np.ndarray] = {"_owner": f.owner}
    rule_events = {f"{name}_event" for name, rule in RULES.items() if rule.cap}
    for name in {p.variable for p in PROVISIONS} | set(B25_EVENTS.values()) | HELPER_VARIABLES | rule_events:
        out[name] = sim.calculate(name, period)
    return out


# ---------------------------------------------------------------- explanations


def _result(p: Provision, amount: float, status: str, explanation: str, facts: dict, missing: str = "",
            caveats: list[str] | None = None) -> ProvisionResult:
    cav = list(caveats or [])
    if p.is_ceiling and status == "applies":
        cav.insert(0, "最高限额（不超过/择优）：需评审确定实际金额")
    if p.also_cited:
        cav.append(f"与 {'、'.join(p.also_cited)} 为同一规定，只兑现一次")
    return ProvisionResult(p.id, p.title, p.document, p.article, p.form, p.is_ceiling,
                           yuan(amount) if status == "applies" else Decimal("0.00"), status, explanation, missing,
                           facts, list(p.interpretations), cav)


EVENT_NAMES = {"technology_innovation_center": "技术创新中心", "clinical_research_center": "临床医学研究中心",
               "key_laboratory": "重点实验室", "national_key_laboratory": "全国重点实验室",
               "innovation_community": "创新创业共同体", "manufacturing_innovation_center": "制造业创新中心",
               "incubator": "科技企业孵化器", "makerspace": "专业化众创空间", "university_science_park": "大学科技园",
               "national_st_award": "国家科学技术奖", "provincial_st_award": "省科学技术奖",
               "incubatee_high_tech": "在孵企业升级高新技术企业", "agricultural_high_tech_zone": "农业高新技术产业示范区",
               "china_innovation_contest_excellent": "中国创新创业大赛全国赛优秀企业", "innovation_consortium": "创新联合体",
               "foreign_expert_studio": "外国专家工作室（考核优秀）", "international_cooperation_base": "国际合作基地",
               "tech_transfer_demo_agency": "技术转移示范机构", "brand_incubator": "山东省品牌科技企业孵化器",
               "brand_makerspace": "山东省品牌众创空间", "new_rd_institution": "新型研发机构",
               "offsite_rd_institution": "市外研发机构（人才飞地）", "open_challenge_project": "揭榜挂帅项目",
               "chief_engineer_project": "技术总师负责制项目", "joint_rd_institution": "驻威高校院所联合研发机构",
               "innovation_event_host": "科技合作交流/创新创业活动（承办、协办）", "tech_transfer_agency": "技术转移服务机构",
               "cooperation_event_startup": "科技交流合作活动落地企业", "hte_cultivation_agency": "高企认定培育机构",
               "consortium_chain_project": "创新联合体链条式科研攻关项目", "talent_service_commission": "人才项目技术双向对接委托服务",
               "foreign_expert_station_branch": "外国专家驿站分站（海外联络站）", "transformation_loan": "科技成果转化贷款",
               "chokepoint_project": "“卡脖子”攻关项目", "chokepoint_rd_insurance": "“卡脖子研发损失险”",
               "tech_bank_loan": "科技支行贷款", "shared_instrument_service": "共享科研仪器购买服务",
               "pilot_base": "中试示范基地", "science_popularization": "科普活动（成效好）",
               "overseas_rd_center": "境外研发中心/联合实验室", "rural_makerspace": "星创天地",
               "china_innovation_contest_finalist": "中国创新创业大赛全国行业总决赛",
               "china_innovation_contest_prize": "中国创新创业大赛获奖", "advanced_tech_service_enterprise": "技术先进型服务企业",
               "provincial_top50_invention_patents": "发明专利授权量全省五十强", "china_patent_gold_award": "中国专利金奖",
               "china_design_gold_award": "中国外观设计金奖", "china_patent_excellence_award": "中国专利奖优秀奖",
               "shandong_patent_award": "山东省专利奖", "shandong_key_core_ip": "山东省百项关键核心技术知识产权",
               "national_ip_demonstration_enterprise": "国家知识产权示范企业",
               "national_ip_advantage_enterprise": "国家知识产权优势企业", "technology_market_award": "技术市场奖励",
               "national_patent_operation_pilot": "国家专利运营试点", "patent_navigation": "专利导航/专利地图"}
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "city": "市级", "": ""}
GRADE_NAMES = {v: k for k, v in GRADE_CODES.items()}


B14_TYPE_NAMES = {"tech_development": "技术开发", "tech_transfer": "技术转让", "tech_licence": "技术许可",
                  "tech_consulting": "技术咨询", "tech_service": "技术服务"}


def _b14_failures(e: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """Which condition of B 第14条 a buyer-side contract event fails, in Chinese."""
    out = []
    if e["subject"] not in B14_CONTRACT_TYPES:
        name = B14_TYPE_NAMES.get(e["subject"], "未注明类型")
        out.append(f"{name}合同不在补助范围（只补助经备案的技术开发、技术转让合同）")
    if not e.get("registered", True):
        out.append("合同未经技术合同登记备案")
    if not (row.get("is_tech_sme") or row.get("is_high_tech_enterprise")):
        out.append("买方当年不是科技型企业（科技型中小企业或高新技术企业）")
    if not e.get("seller_is_institution", True):
        out.append("卖方不是高校院所")
    if not e.get("seller_in_weihai", True):
        out.append("卖方不在威海：只补助与高校院所在威开展的技术转移转化")
    return out


def _event_label(e: dict[str, Any]) -> str:
    text = f"{e['date']} {LEVEL_NAMES.get(e['level'], '')}{EVENT_NAMES.get(e['subject'], e['subject'])}"
    if e["grade"] == "excellent":
        text += "（考核优秀）"
    elif e["grade"]:
        text += GRADE_NAMES.get(e["grade"], e["grade"])
    if e["role"] == "lead":
        text += "（牵头/第一完成单位）"
    return text


def explain(rows: list[dict[str, Any]], arrays: dict[str, np.ndarray], year: int,
            tbs: Any) -> list[list[ProvisionResult]]:
    """Per organisation, the applicable and nearly applicable provisions with their Chinese arithmetic."""
    owner = arrays["_owner"]
    starts = np.zeros(len(rows) + 1, dtype=int)
    np.add.at(starts, owner + 1, 1)
    starts = np.cumsum(starts)
    params = tbs.parameters
    end = f"{year}-12-31"
    out: list[list[ProvisionResult]] = []
    for i, row in enumerate(rows):
        results: list[ProvisionResult] = []
        lo, hi = starts[i], starts[i + 1]
        evs = row["events"]
        for p in PROVISIONS:
            values = arrays[p.variable]
            if p.variable in RULES:
                rule = RULES[p.variable]
                per = arrays[f"{p.variable}_event" if rule.cap else p.variable][lo:hi]
                results.extend(_explain_rule(p, rule, evs, per, float(values[i]) if rule.cap else 0.0, row, params,
                                             year))
                continue
            if p.id in ANNUAL_COUNT_RULES:
                results.extend(_explain_annual_count(p, row, float(values[i]), params, year))
                continue
            if p.id == "B.27.tech_bank_loan_interest_ceiling":
                results.extend(_explain_b27(p, evs, arrays["b27_tech_bank_loan_amount"][lo:hi], float(values[i]),
                                            row, params, year))
                continue
            if p.id == "B.14.contract_subsidy":
                per = arrays["b14_contract_subsidy_event"][lo:hi]
                total = float(per.sum())
                failed = [(e, _b14_failures(e, row)) for k, e in enumerate(evs)
                          if e["kind"] == "tech_contract" and e["role"] in B14_BUYER_ROLES and per[k] == 0
                          and B25_WINDOW[0] <= e["date"] <= B25_WINDOW[1]]
                if failed and total == 0 and row["kind"] == "enterprise":
                    reasons = sorted({reason for _, rs in failed for reason in rs})
                    results.append(_result(p, 0, "near", f"技术合同 {len(failed)} 份未获补助",
                                           {"contracts": len(failed)},
                                           missing=f"{B_DOC} 第14条：" + "；".join(reasons)))
                if total > 0:
                    paid = [evs[k]["amount"] for k in range(len(evs)) if per[k] > 0]
                    cap = float(values[i])
                    over = total > cap + 1e-6
                    text = (f"经备案技术合同支付额合计 {wan(sum(paid))} × {pct(total / sum(paid))} = {wan(total)}，"
                            + (f"超过每家每年 {wan(cap)} 上限，按 {wan(cap)} 计" if over
                               else f"未超过每家每年 {wan(_cap_of_year(params, 'b.art_14.cap', year) or cap)} 上限"))
                    unknown = any(not evs[k].get("seller_known") for k in range(len(evs)) if per[k] > 0)
                    caveats = ["需核实卖方为在威高校院所、合同已备案"] if unknown else []
                    if failed:
                        caveats.append(f"另有技术合同 {len(failed)} 份不符合条件：" + "；".join(
                            sorted({reason for _, rs in failed for reason in rs})))
                    results.append(_result(p, cap if over else total, "applies", text,
                                           {"contracts": len(paid), "payments": str(yuan(sum(paid)))},
                                           caveats=caveats or None))
                continue
            if p.id.startswith("B.25."):
                results.extend(_explain_b25(p, evs, arrays, lo, hi, float(values[i]), row["kind"] == "enterprise"))
                continue
            if p.id == "A.16.incubatee_upgrade_reward":
                per = arrays["a16_incubatee_upgrade_event"][lo:hi]
                count = int((per > 0).sum())
                if count:
                    amount = float(values[i])
                    text = f"在孵企业升级高新技术企业 {count} 家 × {wan(per[per > 0][0])} = {wan(per.sum())}"
                    text += "，超过每家每年 100 万元上限，按上限计" if amount < per.sum() - 1e-6 else "，未超过每家每年 100 万元上限"
                    results.append(_result(p, amount, "applies", text, {"upgraded_incubatees": count}))
                continue
            if p.form == "matching":
                results.extend(_matching_without_amount(p, evs))
            if p.event_level:
                per = values[lo:hi]
                for k in np.nonzero(per > 0)[0]:
                    e = evs[k]
                    if p.variable == "b01_platform_reward":
                        ceiling = e["subject"] in B01_CEILING_SUBJECTS or e["level"] in ("provincial", "city")
                        if ceiling != p.is_ceiling:
                            continue
                    if p.form == "matching":
                        text = f"{_event_label(e)}，省级奖金 {wan(e['amount'])} × 1（省市 1:1）= {wan(per[k])}"
                    else:
                        text = f"{_event_label(e)}：{'不超过 ' if p.is_ceiling else ''}{wan(per[k])}"
                    results.append(_result(p, float(per[k]), "applies", f"{text}（{p.document} {p.article}）",
                                           {"event": e["title"] or e["subject"], "occurred_on": e["date"].isoformat(),
                                            "level": e["level"], "grade": e["grade"], "amount": e["amount"]}))
                continue
            amount = float(values[i])
            if p.id == "B.09.rd_growth_subsidy":
                results.extend(_explain_b09(p, row, amount, params, end))
            elif p.id == "B.17.hte_growth_reward":
                results.extend(_explain_b17(p, row, amount, float(arrays["hte_sales_cagr"][i])))
            elif p.id == "A.07.hte_reward" and amount > 0:
                kind = "首次认定" if row["hte_first_certification"] else "重新认定"
                results.append(_result(p, amount, "applies",
                                       f"{row['hte_certified_on']} 高新技术企业{kind}，奖励 {wan(amount)}（{p.document} {p.article}）",
                                       {"hte_certified_on": row["hte_certified_on"].isoformat(), "certification": kind}))
        out.append(results)
    return out


def _param_on(params: Any, path: str, day: dt.date | str) -> float | None:
    """A parameter's value on a day, or None where its document is not in force that day."""
    value = at_dates(params, np.array([str(day)], dtype="datetime64[D]"), path)[0]
    return None if np.isnan(value) else float(value)


def _cap_of_year(params: Any, path: str, year: int) -> float | None:
    """The yearly cap in force on 31 December (for the year B expires: its last day in force)."""
    value = _param_on(params, path, f"{year}-12-31")
    return _param_on(params, path, "2028-07-12") if value is None else value


def _path_matches(path: Path, e: dict[str, Any], row: dict[str, Any]) -> bool:
    """The event fits the path's kind, subject, level, grade, role and organisation kind (qualifications apart)."""
    return (e["kind"] == path.kind and e["subject"] in path.subjects
            and (not path.levels or e["level"] in path.levels) and (not path.grades or e["grade"] in path.grades)
            and (not path.role or e["role"] == path.role) and (not path.org_kinds or row["kind"] in path.org_kinds))


def _event_facts(e: dict[str, Any]) -> dict[str, Any]:
    return {"event": e["title"] or e["subject"], "occurred_on": e["date"].isoformat(), "level": e["level"],
            "grade": e["grade"], "amount": e["amount"]}


def _explain_rule(p: Provision, rule: Rule, evs: list[dict], per: np.ndarray, org_amount: float, row: dict,
                  params: Any, year: int) -> list[ProvisionResult]:
    """A table-driven provision (policy_weihai common.Rule): each qualifying event with its arithmetic, the yearly
    cap where there is one, and 'near' results (missing amount, amount under the threshold, missing qualification)."""
    items: list[tuple[int, str]] = []
    near: list[ProvisionResult] = []
    cite = f"（{p.document} {p.article}）"
    for k, e in enumerate(evs):
        path = next((x for x in rule.paths if _path_matches(x, e, row)), None)
        if path is None:
            continue
        label = _event_label(e)
        if per[k] > 0:
            if path.times_amount:
                rate = _param_on(params, path.param, e["date"]) or 0.0
                ratio = f"{rate:g}（1:1 配套）" if p.form == "matching" else pct(rate)
                text = f"{label}：{rule.base_label} {wan(e['amount'])} × {ratio} = {wan(per[k])}"
            else:
                text = f"{label}：{'不超过 ' if p.is_ceiling else ''}{wan(per[k])}"
            items.append((k, text + ("（择优，需评审）" if p.is_ceiling else "")))
            continue
        in_window = bool(window_ok(rule, params, np.array([e["date"].isoformat()], dtype="datetime64[D]"))[0])
        if not in_window or _param_on(params, path.param, e["date"]) is None:
            continue
        threshold = _param_on(params, path.min_amount, e["date"]) if path.min_amount else None
        if path.quals and not any(row.get(q) for q in path.quals):
            missing = f"需为{path.quals_label}（当年有效）"
        elif (path.times_amount or path.min_amount) and not e.get("amount_given", True):
            missing = f"缺少{rule.base_label}（元），无法计算"
        elif threshold is not None and e["amount"] < threshold:
            missing = f"{rule.base_label} {wan(e['amount'])}，未达到 {wan(threshold)}"
        else:
            continue
        near.append(_result(p, 0, "near", label, _event_facts(e), missing=missing))
    caveats = [rule.caveat] if rule.caveat else None
    out: list[ProvisionResult] = []
    if items and rule.cap:
        total = float(sum(per[k] for k, _ in items))
        cap = _cap_of_year(params, rule.cap, year) or 0.0
        over = total > org_amount + 1e-6
        text = "；".join(t for _, t in items) + (f"；合计 {wan(total)}，超过每家每年最高 {wan(cap)}，按上限计" if over
                                                 else f"；合计 {wan(total)}，未超过每家每年最高 {wan(cap)}")
        out.append(_result(p, org_amount, "applies", text + cite, {"items": len(items)}, caveats=caveats))
    else:
        out.extend(_result(p, float(per[k]), "applies", text + cite, _event_facts(evs[k]), caveats=caveats)
                   for k, text in items)
    return out + near


#: Organisation-year rewards for a count of the year: provision → (annual fact, its name, threshold, amount, strictly).
ANNUAL_COUNT_RULES = {
    "A.14.patent_volume_reward": ("invention_patents_granted", "发明专利授权", "a.art_14.patent_volume_threshold",
                                  "a.art_14.patent_volume_reward", False),
    "A.18.ip_agency_volume_ceiling": ("agency_invention_patents", "代理市内发明专利授权", "a.art_18.agency_patent_threshold",
                                      "a.art_18.agency_reward", True),
}


def _explain_annual_count(p: Provision, row: dict, amount: float, params: Any, year: int) -> list[ProvisionResult]:
    fact, name, threshold_path, _, strictly = ANNUAL_COUNT_RULES[p.id]
    count = row.get(fact)
    facts = {fact: count}
    if amount > 0:
        threshold = _param_on(params, threshold_path, f"{year}-12-31") or 0
        text = (f"{year} 年{name} {count:g} 件，{'超过' if strictly else '达到'} {threshold:g} 件"
                f"{'以上' if not strictly else ''}：{'最高 ' if p.is_ceiling else ''}{wan(amount)}"
                f"{'（择优，需评审）' if p.is_ceiling else '（在原有政策资助基础上）'}（{p.document} {p.article}）")
        return [_result(p, amount, "applies", text, facts)]
    return []


def _explain_b27(p: Provision, evs: list[dict], loans: np.ndarray, amount: float, row: dict, params: Any,
                 year: int) -> list[ProvisionResult]:
    """B art. 27: the interest subsidy ceiling = min(loans, 3000 万) × 1% (the rate itself is not stated)."""
    counted = [(e, float(loans[k])) for k, e in enumerate(evs) if loans[k] > 0]
    if not counted:
        eligible = any(row.get(q) for q in ("is_tech_sme", "is_high_tech_enterprise", "is_leading_tech_enterprise",
                                            "is_specialised_sme"))
        for e in evs:
            if (e["kind"] == "financing" and e["subject"] == "tech_bank_loan" and row["kind"] == "enterprise"
                    and not eligible and _param_on(params, "b.art_27.loan_cap", e["date"]) is not None):
                return [_result(p, 0, "near", _event_label(e), _event_facts(e),
                                missing="需为科技型中小企业、高新技术企业、科技领军企业或市级及以上专精特新中小企业")]
        return []
    total = sum(v for _, v in counted)
    loan_cap = _cap_of_year(params, "b.art_27.loan_cap", year) or 0.0
    rate = _cap_of_year(params, "b.art_27.interest_cap_rate", year) or 0.0
    base = min(total, loan_cap)
    text = f"科技支行贷款 {len(counted)} 笔，余额合计 {wan(total)}"
    text += (f"，超过每年享受贴息的贷款上限 {wan(loan_cap)}，按 {wan(loan_cap)} 计" if total > loan_cap else "")
    text += f"；贴息上限 = {wan(base)} × {pct(rate)} = 不超过 {wan(amount)}（需评审）（{p.document} {p.article}）"
    return [_result(p, amount, "applies", text, {"loans": len(counted), "loan_total": str(yuan(total))},
                    caveats=["贴息期限一般不超过 5 年；“一企一技术”研发中心企业也可享受（本引擎未录入该资格）"])]


B25_EVENTS = {"B.25.ip_loan_interest": "b25_ip_loan_interest_event",
              "B.25.ip_evaluation_fee": "b25_ip_evaluation_fee_event", "B.25.ip_insurance": "b25_ip_insurance_event"}
B25_SUBJECTS = {"B.25.ip_loan_interest": "ip_pledge_loan", "B.25.ip_evaluation_fee": "ip_evaluation_fee",
                "B.25.ip_insurance": "ip_pledge_insurance"}
B25_WINDOW = B_WINDOW = (dt.date(2023, 7, 13), dt.date(2028, 7, 12))  # 威政发〔2023〕5号 in force


def _explain_b25(p: Provision, evs: list[dict], arrays: dict, lo: int, hi: int, amount: float,
                 enterprise: bool) -> list[ProvisionResult]:
    """B art. 25: each item and the yearly cap; a loan whose LPR month is missing is 'near', never a silent zero."""
    per = arrays[B25_EVENTS[p.id]][lo:hi]
    lpr = arrays["b25_ip_loan_lpr"][lo:hi]
    parts, missing = [], []
    for k, e in enumerate(evs):
        if e["kind"] != "financing" or e["subject"] != B25_SUBJECTS[p.id]:
            continue
        if not enterprise or not B25_WINDOW[0] <= e["date"] <= B25_WINDOW[1]:
            continue
        if p.id == "B.25.ip_loan_interest":
            prev = (e["date"].replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
            if np.isnan(lpr[k]):
                missing.append(f"缺少 {prev} 的1年期LPR 参考数据（policy_weihai/data/lpr_1y.csv），无法计算 {e['date']} 合同的贴息")
                continue
            if per[k] <= 0:
                continue
            parts.append(f"{e['title'] or '贷款'} {wan(e['amount'])}（{e['date']} 签订，上月 {prev} 1年期LPR {lpr[k]:.2f}%）"
                         f"× {lpr[k]:.2f}% × 20% = {wan(per[k])}")
        elif per[k] > 0:
            share = "30%" if p.id == "B.25.ip_evaluation_fee" else "20%"
            parts.append(f"{e['date']} 实际发生 {wan(e['amount'])} × {share} = {wan(per[k])}")
    out = []
    if parts:
        total = float(per.sum())
        cap_text = {"B.25.ip_loan_interest": "20 万元", "B.25.ip_evaluation_fee": "5 万元",
                    "B.25.ip_insurance": "2 万元"}[p.id]
        text = "；".join(parts) + (f"；合计 {wan(total)}，超过每年最高 {cap_text}，按上限计" if total > amount + 1e-6
                                   else f"；合计 {wan(total)}，未超过每年最高 {cap_text}")
        out.append(_result(p, amount, "applies", text, {"items": len(parts)}))
    if missing:
        out.append(_result(p, 0, "near", "", {"items_without_lpr": len(missing)}, missing="；".join(missing)))
    return out


MATCHING_GRADES = {"A.14.provincial_award_matching": ("first", "second", "third"),
                   "B.22.provincial_award_matching": ("special", "first", "second", "youth")}


def _matching_without_amount(p: Provision, evs: list[dict]) -> list[ProvisionResult]:
    """A 1:1 matching whose higher-level amount is not known: 'near', never a silent zero."""
    out = []
    for e in evs:
        in_b = B25_WINDOW[0] <= e["date"] <= B25_WINDOW[1]
        if (e["kind"] == "award" and e["subject"] == "provincial_st_award" and not e.get("amount_given", True)
                and e["grade"] in MATCHING_GRADES[p.id] and in_b == (p.document == B_DOC)):
            out.append(_result(p, 0, "near", _event_label(e), {"occurred_on": e["date"].isoformat()},
                               missing="缺少省级奖金金额（按省市 1:1 配套，须填写省级奖金）"))
    return out


def _explain_b09(p: Provision, row: dict, amount: float, params: Any, end: str) -> list[ProvisionResult]:
    try:
        node = params(end).b.art_09
        node.growth_threshold  # noqa: B018 - raises when B is not in force on that day
    except Exception:  # noqa: BLE001 - B not in force that year
        return []
    now, before = row["rd_expense"], row["rd_expense_prev"]
    facts = {"rd_expense": now, "rd_expense_prev": before}
    if row["kind"] != "enterprise" or not (row["is_high_tech_enterprise"] or row["is_tech_sme"]):
        return []
    if now is None or before is None or before <= 0:
        return [_result(p, 0, "near", "", facts, missing="缺少本年或上年研发投入，无法计算研发投入增量")]
    inc = now - before
    growth = inc / before
    base = f"研发投入 {wan(now)}，上年 {wan(before)}，增量 {wan(inc)}（增长 {pct(growth)}）"
    gaps = []
    if growth < float(node.growth_threshold) - 1e-12:
        gaps.append(f"研发投入增长 {pct(growth)}，未达到 {pct(float(node.growth_threshold))}")
    if inc <= float(node.increment_threshold):
        gaps.append(f"增量 {wan(inc)}，未超过 {wan(float(node.increment_threshold))}")
    if not row["above_designated_size"]:
        gaps.append("非规模以上企业")
    if not row["rd_active"]:
        gaps.append("无研发活动")
    if amount > 0:
        raw = inc * float(node.rate)
        cap = float(node.cap)
        text = f"{base}；研发投入增量 {wan(inc)} × {pct(float(node.rate))} = {wan(raw)}，"
        text += f"超过每家每年 {wan(cap)} 上限，按 {wan(cap)} 计" if raw > cap else f"未超过每家每年 {wan(cap)} 上限"
        return [_result(p, amount, "applies", text, facts)]
    if inc > 0 and gaps:
        return [_result(p, 0, "near", base, facts, missing="；".join(gaps))]
    return []


def _explain_b17(p: Provision, row: dict, amount: float, cagr: float) -> list[ProvisionResult]:
    if not row["hte_certified"] or row["kind"] != "enterprise":
        return []
    if not B25_WINDOW[0] <= row["hte_certified_on"] <= B25_WINDOW[1]:  # B's window (same for every B article)
        return []
    facts = {"sales_revenue_y3": row["sales_revenue_y3"], "sales_revenue_y1": row["sales_revenue_y1"],
             "hte_certified_on": row["hte_certified_on"].isoformat()}
    if amount > 0:
        return [_result(p, amount, "applies",
                        f"{row['hte_certified_on']} 通过高企认定，近3年销售收入复合增长率 {pct(cagr)} ≥ 10%，一次性奖励 {wan(amount)}",
                        facts)]
    if not row["sales_revenue_y3"] or not row["sales_revenue_y1"]:
        return [_result(p, 0, "near", "当年通过高企认定", facts, missing="缺少认定年前第 3 年或前 1 年的销售收入，无法计算复合增长率")]
    if cagr < 0.10:
        return [_result(p, 0, "near", "当年通过高企认定", facts, missing=f"近3年销售收入复合增长率 {pct(cagr)}，未达到 10%")]
    return []


# ---------------------------------------------------------------- public functions


def _evaluate_rows(rows: Sequence[dict] | Facts, year: int, overrides: dict | None,
                   interpretations: dict | None) -> list[list[ProvisionResult]]:
    """Results per organisation; ``rows`` may be columns (Facts): then the explanations get its lazy rows."""
    chosen = _interpretation_settings(interpretations)
    tbs = _system(year, _check_overrides(overrides), tuple(sorted(chosen.items())))
    arrays = compute(rows, year, tbs)
    results = explain(rows.rows() if isinstance(rows, Facts) else rows, arrays, year, tbs)
    nondefault = [n for n, v in chosen.items() if v != INTERPRETATIONS[n].default]
    if nondefault:
        for lst in results:
            for r in lst:
                r.caveats.append("采用非默认解释口径：" + "、".join(nondefault))
    return results


def evaluate_situation(situation: dict, period: str, overrides: dict[str, Decimal] | None = None,
                       interpretations: dict[str, Any] | None = None) -> EvaluationResult:
    """Evaluate a situation (see the module docstring) for a year; raises PolicyInputError on bad input."""
    year = parse_period(period)
    row = normalise_situation(situation, year, strict=True)
    results = _evaluate_rows([row], year, overrides, interpretations)[0]
    return EvaluationResult(str(situation.get("name") or situation.get("id") or "情形"), str(year), results)


def situation_from_organization(org: Any, facts_years: Iterable[int] | None = None) -> dict[str, Any]:
    """The registry's facts about one organisation as a situation."""
    return _situations([org])[org.id]


def _situations(orgs: list[Any]) -> dict[int, dict[str, Any]]:
    from registry.models import AnnualFacts, PlatformMembership, Qualification, Recognition

    ids = [o.id for o in orgs]
    out = {o.id: {"id": o.id, "name": o.name, "kind": o.kind, "region": "", "qualifications": [],
                  "recognitions": [], "annual_facts": {}} for o in orgs}
    for q in Qualification.objects.filter(organization_id__in=ids).values(
            "organization_id", "kind", "valid_from", "valid_to", "certification"):
        out[q.pop("organization_id")]["qualifications"].append(
            {**q, "valid_from": q["valid_from"].isoformat(), "valid_to": q["valid_to"].isoformat()})
    leads = set(PlatformMembership.objects.filter(organization_id__in=ids, role="lead").values_list(
        "organization_id", "platform_id"))
    for r in Recognition.objects.filter(organization_id__in=ids).values(
            "organization_id", "kind", "subject", "level", "grade", "occurred_on", "amount", "attributes", "title",
            "platform_id"):
        org_id = r.pop("organization_id")
        platform_id = r.pop("platform_id")
        if platform_id and (org_id, platform_id) in leads:
            r["role"] = "lead"
        grade = r["grade"] if r["grade"] in GRADE_CODES or r["grade"] in GRADE_CODES.values() else ""
        subject = r["subject"] if str(r["subject"]).isascii() else "other"
        out[org_id]["recognitions"].append({**r, "grade": grade, "subject": subject,
                                            "occurred_on": r["occurred_on"].isoformat(),
                                            "amount": None if r["amount"] is None else str(r["amount"]),
                                            "attributes": r["attributes"] or {}})
    for f in AnnualFacts.objects.filter(organization_id__in=ids).values(
            "organization_id", "year", "sales_revenue", "rd_expense", "rd_active", "invention_patents_granted"):
        out[f["organization_id"]]["annual_facts"][str(f["year"])] = {
            "sales_revenue": None if f["sales_revenue"] is None else str(f["sales_revenue"]),
            "rd_expense": None if f["rd_expense"] is None else str(f["rd_expense"]), "rd_active": f["rd_active"],
            "invention_patents_granted": f["invention_patents_granted"]}
    for source in _event_sources():
        source(ids, out)
    return out


@functools.cache
def _event_sources() -> tuple[Any, ...]:
    """Apps that keep qualifying events in records of their own (``POLICY_EVENT_SOURCES``: dotted paths of
    ``f(org_ids, situations)`` that add or replace recognitions), e.g. loans and insurance policies."""
    from django.utils.module_loading import import_string

    return tuple(import_string(path) for path in getattr(settings, "POLICY_EVENT_SOURCES", ()))


def evaluate_organization(org: Any, year: int, overrides: dict | None = None,
                          interpretations: dict | None = None) -> EvaluationResult:
    year = parse_period(year)
    row = normalise_situation(_situations([org])[org.id], year, strict=False)
    results = _evaluate_rows([row], year, overrides, interpretations)[0]
    return EvaluationResult(org.name, str(year), results)


def evaluate_many(org_ids: Iterable[int], year: int, overrides: dict | None = None,
                  interpretations: dict | None = None) -> Iterator[tuple[int, list[ProvisionResult]]]:
    """Vectorised: one openfisca simulation per batch of organisations, facts read in columns (policy.facts)."""
    from policy import facts as columnar

    year = parse_period(year)
    _check_overrides(overrides)
    ids = list(org_ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        f, bad = columnar.load(chunk, year)
        if bad:  # data the engine refuses: the per-organisation path raises the organisation's own error
            yield from _evaluate_many_dicts(chunk, year, overrides, interpretations)
        elif f.n:
            yield from zip(f.ids.tolist(), _evaluate_rows(f, year, overrides, interpretations), strict=True)


def _evaluate_many_dicts(chunk: list[int], year: int, overrides: dict | None,
                         interpretations: dict | None) -> Iterator[tuple[int, list[ProvisionResult]]]:
    from registry.models import Organization

    orgs = list(Organization.objects.filter(id__in=chunk).only("id", "name", "kind"))
    situations = _situations(orgs)
    order = [i for i in chunk if i in situations]
    rows = [normalise_situation(situations[i], year, strict=False) for i in order]
    if rows:
        yield from zip(order, _evaluate_rows(rows, year, overrides, interpretations), strict=True)


#: The engine's parameter units as users read them (a patent-count threshold is 件, not 元).
PARAMETER_UNITS = {"/1": "比例", "count": "件", "currency-CNY": "元", "bool": ""}


def tunable_parameters() -> list[dict[str, Any]]:
    """Parameters a what-if may change: path, title, unit, bounds, value now and citation."""
    today = dt.date.today().isoformat()
    out = []
    for p in PROVISIONS:
        for path in p.parameters:
            if any(d["path"] == path for d in out):
                continue
            param = _param(_base_system().parameters, path)
            try:
                now = param(today)
            except Exception:  # noqa: BLE001 - not in force today
                continue
            low, high = _bounds(param)
            unit = (param.metadata or {}).get("unit", "")
            out.append({"path": path, "title": param.description, "unit": PARAMETER_UNITS.get(unit, "元"),
                        "min": low, "max": high, "value_now": Decimal(str(now)),
                        "reference": (param.metadata or {}).get("reference", f"{p.document} {p.article}")})
    return out


def parameter_history(path: str) -> list[dict[str, Any]]:
    """The dated values of one parameter (newest first): {"from", "value"} with value None meaning expired."""
    param = _param(_base_system().parameters, path)
    return [{"from": v.instant_str, "value": v.value} for v in param.values_list]


def catalogue() -> list[dict[str, Any]]:
    """Every encoded provision with citations, form, parameters and their dated values (for the catalogue page)."""
    from policy.catalogue import FORMS

    rows = []
    for p in PROVISIONS:
        params = []
        for path in p.parameters:
            param = _param(_base_system().parameters, path)
            params.append({"path": path, "title": param.description, "unit": (param.metadata or {}).get("unit", ""),
                           "history": list(reversed(parameter_history(path)))})
        rows.append({"id": p.id, "title": p.title, "citation": f"{p.document} {p.article}",
                     "also_cited": list(p.also_cited), "form": p.form, "form_label": FORMS[p.form],
                     "is_ceiling": p.is_ceiling, "beneficiary": [ORG_KINDS.get(k, k) for k in p.beneficiary],
                     "event": p.event, "variable": p.variable, "window_from": p.window[0],
                     "window_to": p.window[1] or "（未规定截止日期）", "parameters": params,
                     "interpretations": list(p.interpretations)})
    return rows


def provision(provision_id: str) -> Provision:
    try:
        return BY_ID[provision_id]
    except KeyError:
        raise PolicyInputError(f"provision_id：未知条款 {provision_id!r}。") from None
