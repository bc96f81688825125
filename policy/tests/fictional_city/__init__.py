"""A tiny fictional jurisdiction (明湖市, two documents, three provisions, its own regions, targets and voucher rule)
for the test suite.

It shows that the platform knows no city: with ``settings.POLICY_JURISDICTION = "policy.tests.fictional_city"`` the
catalogue, the calculator service, screening and the what-if run on it without a line of platform code changing.
It is an openfisca country package of its own: entities, parameters (dated, cited), variables, catalogue entries and
explanations. The figures are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import YEAR
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from policy.explain import AnnualCount
from policy.jurisdiction import Document, Jurisdiction, Provision, Reference, VoucherBasis, VoucherRule

#: No original texts: the portal lists the documents and prints none (settings.POLICY_DIR holds no M1_*.txt).
ONE = Document("M1", "明政发〔2020〕1号", "明湖市鼓励创新若干措施", "2020-01-01", None, numbered_as_articles=True)
TWO = Document("M2", "明政发〔2024〕2号", "明湖市专利提质行动", "2024-03-01", "2026-12-31", numbered_as_articles=True)
REGIONS = {"MH01": "明湖区", "MH02": "东岸新区"}
REFERENCE = Reference(city=("MH", "明湖市", "明湖"), divisions=(("MH01", "明湖区", "明湖"), ("MH02", "东岸新区", "东岸")),
                      industry_chains=(("lake_optics", "湖区光学", "光电产业"),))

Event = build_entity(key="event", plural="events", label="事件", is_person=True)
Organisation = build_entity(key="organisation", plural="organisations", label="主体",
                            roles=[{"key": "event", "plural": "events", "label": "事件"}])

PARAMETERS = {
    "description": "明湖市政策参数",
    "m1": {"description": ONE.number, "art_03": {
        "description": f"{ONE.number} 第3条",
        "prize": {"description": "获明湖创新奖的，奖励", "values": {"2020-01-01": {"value": 300000}},
                  "metadata": {"unit": "currency-CNY", "reference": f"{ONE.number} 第3条"}},
        "loan_rate": {"description": "科技贷款按贷款额的比例贴息", "values": {"2020-01-01": {"value": 0.02}},
                      "metadata": {"unit": "/1", "reference": f"{ONE.number} 第3条"}},
        "loan_cap": {"description": "每家每年贴息不超过", "values": {"2020-01-01": {"value": 100000}},
                     "metadata": {"unit": "currency-CNY", "reference": f"{ONE.number} 第3条"}},
    }},
    "m1_vouchers": {"description": f"{ONE.number} 第5条", "instrument_rate": {
        "description": "使用共享仪器的服务费，在省级创新券补助30%的基础上，市级再补助的比例",
        "values": {"2020-01-01": {"value": 0.1}, "2026-01-01": {"value": None}},
        "metadata": {"unit": "/1", "reference": f"{ONE.number} 第5条"}}},
    "m2": {"description": TWO.number, "art_02": {
        "description": f"{TWO.number} 第2条",
        "threshold": {"description": "当年发明专利授权达到（件）",
                      "values": {TWO.window_from: {"value": 5}, "2027-01-01": {"value": None}},
                      "metadata": {"unit": "count", "reference": f"{TWO.number} 第2条"}},
        "reward": {"description": "一次性奖励", "values": {TWO.window_from: {"value": 50000}, "2027-01-01": {"value": None}},
                   "metadata": {"unit": "currency-CNY", "reference": f"{TWO.number} 第2条"}},
    }},
}

# ---- inputs: the platform's vocabulary of facts (what policy.services.compute sets)
_INPUTS: list[tuple[str, Any, type, Any]] = [
    ("event_kind", Event, str, None), ("event_subject", Event, str, None), ("event_level", Event, str, None),
    ("event_grade", Event, str, None), ("event_role", Event, str, None), ("event_org_kind", Event, str, None),
    ("event_date", Event, date, date(1970, 1, 1)), ("event_amount", Event, float, 0.0),
    ("event_seller_local", Event, bool, True), ("event_contract_registered", Event, bool, True),
    ("event_seller_is_institution", Event, bool, True), ("event_is_enterprise", Event, bool, False),
    ("hte_certified_on", Organisation, date, date(1970, 1, 1)),
] + [(n, Organisation, float, 0.0) for n in ("rd_expense", "rd_expense_prev", "sales_revenue_y0", "sales_revenue_y1",
                                              "sales_revenue_y3", "invention_patents_granted",
                                              "agency_invention_patents")] \
  + [(n, Organisation, bool, False) for n in ("org_is_enterprise", "org_is_service_provider", "rd_active",
                                               "above_designated_size", "is_high_tech_enterprise", "is_tech_sme",
                                               "hte_certified", "hte_first_certification",
                                               "is_leading_tech_enterprise", "is_specialised_sme")]


def _input(name: str, entity: Any, value_type: type, default: Any) -> type:
    attrs: dict[str, Any] = {"value_type": value_type, "entity": entity, "definition_period": YEAR, "label": name}
    if default is not None:
        attrs["default_value"] = default
    if value_type is str:
        attrs["max_length"] = 60
    return type(name, (Variable,), attrs)


def _at(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    out = np.zeros(len(dates))
    for day in np.unique(dates.astype("datetime64[D]")):
        node = parameters(str(day))
        try:
            for part in path.split("."):
                node = getattr(node, part)
            out[dates == day] = float(node)
        except Exception:  # noqa: BLE001 - not in force that day
            pass
    return out


def _parameter_at(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    """The parameter at each date, NaN where it is not in force (how apps read a rate outside a simulation)."""
    out = np.full(len(dates), np.nan)
    for day in np.unique(dates.astype("datetime64[D]")):
        node = parameters(str(day))
        try:
            for part in path.split("."):
                node = getattr(node, part)
            if node is not None:
                out[dates == day] = float(node)
        except Exception:  # noqa: BLE001 - not in force that day
            pass
    return out


def _events(event: Any, period: Any, kind: str, subject: str) -> np.ndarray:
    return ((event("event_kind", period).astype(str) == kind)
            & (event("event_subject", period).astype(str) == subject))


class m1_prize(Variable):
    value_type, entity, definition_period = float, Event, YEAR
    label, reference = "明湖创新奖奖励", f"{ONE.number} 第3条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        return np.where(_events(event, period, "award", "minghu_prize"), _at(parameters, dates, "m1.art_03.prize"), 0.0)


class m1_loan_interest_event(Variable):
    value_type, entity, definition_period = float, Event, YEAR
    label, reference = "科技贷款贴息（单笔）", f"{ONE.number} 第3条"

    def formula(event, period, parameters):
        dates = event("event_date", period)
        ok = _events(event, period, "financing", "minghu_loan") & event("event_is_enterprise", period)
        return np.where(ok, event("event_amount", period) * _at(parameters, dates, "m1.art_03.loan_rate"), 0.0)


class m1_loan_interest(Variable):
    value_type, entity, definition_period = float, Organisation, YEAR
    label, reference = "科技贷款贴息（每家每年不超过上限）", f"{ONE.number} 第3条"

    def formula(org, period, parameters):
        cap = _at(parameters, np.array([f"{period.start.year}-12-31"], dtype="datetime64[D]"), "m1.art_03.loan_cap")[0]
        return np.minimum(org.sum(org.members("m1_loan_interest_event", period)), cap)


class m2_patent_reward(Variable):
    value_type, entity, definition_period = float, Organisation, YEAR
    label, reference = "发明专利授权奖励", f"{TWO.number} 第2条"

    def formula(org, period, parameters):
        day = np.array([f"{period.start.year}-12-31"], dtype="datetime64[D]")
        threshold, reward = _at(parameters, day, "m2.art_02.threshold")[0], _at(parameters, day, "m2.art_02.reward")[0]
        if not reward:
            return np.zeros(org.count)
        return np.where(org("invention_patents_granted", period) >= threshold, reward, 0.0)


class MinghuSystem(TaxBenefitSystem):
    """明湖市（虚构）科技政策。"""

    def __init__(self) -> None:
        super().__init__([Event, Organisation])
        self.parameters = ParameterNode("", data=PARAMETERS)
        for name, entity, value_type, default in _INPUTS:
            self.add_variable(_input(name, entity, value_type, default))
        for variable in (m1_prize, m1_loan_interest_event, m1_loan_interest, m2_patent_reward):
            self.add_variable(variable)


def build_system() -> MinghuSystem:
    return MinghuSystem()


# ---- the rule tables the explanations read (the same shape as any jurisdiction's: paths, window, cap, labels)


@dataclass(frozen=True)
class Path:
    param: str
    kind: str
    subjects: tuple[str, ...]
    levels: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    role: str = ""
    org_kinds: tuple[str, ...] = ()
    quals: tuple[str, ...] = ()
    quals_label: str = ""
    times_amount: bool = False
    min_amount: str = ""


@dataclass(frozen=True)
class Rule:
    paths: tuple[Path, ...]
    window: str = ""
    cap: str = ""
    base_label: str = "金额"
    caveat: str = ""


RULES = {
    "m1_prize": Rule((Path("m1.art_03.prize", "award", ("minghu_prize",)),)),
    "m1_loan_interest": Rule((Path("m1.art_03.loan_rate", "financing", ("minghu_loan",), org_kinds=("enterprise",),
                                   times_amount=True),), cap="m1.art_03.loan_cap", base_label="贷款额"),
}

PROVISIONS = [
    Provision("M1.03.prize", "明湖创新奖奖励", ONE.number, "第3条", "fixed", False, "m1_prize", "获明湖创新奖",
              ("enterprise", "research_institution"), ("m1.art_03.prize",), window=ONE.window),
    Provision("M1.03.loan_interest", "科技贷款贴息", ONE.number, "第3条", "proportional", False, "m1_loan_interest",
              "企业科技贷款（financing，subject=minghu_loan）：贷款额×比例，每家每年有上限", ("enterprise",),
              ("m1.art_03.loan_rate", "m1.art_03.loan_cap"), window=ONE.window, cap_parameter="m1.art_03.loan_cap"),
    Provision("M2.02.patent_reward", "发明专利授权奖励", TWO.number, "第2条", "one_time", False, "m2_patent_reward",
              "当年发明专利授权达到门槛", ("enterprise",), ("m2.art_02.threshold", "m2.art_02.reward"),
              event_level=False, window=TWO.window,
              explanation=AnnualCount("invention_patents_granted", "发明专利授权", "m2.art_02.threshold")),
]

#: 明政发〔2020〕1号 第5条 (invented): shared instruments, anyone, 30% provincial voucher + 10% city until 2025.
VOUCHER_RULE = VoucherRule(tag="M105", citation=f"{ONE.number} 第5条", city_rate_parameter="m1_vouchers.instrument_rate",
                           upper_rate=Decimal("0.30"), upper_label="省级创新券", service_label="使用共享仪器的服务费",
                           categories=("instrument",), networked_only=False, small_or_team_only=False)

JURISDICTION = Jurisdiction(
    name="policy.tests.fictional_city", label="明湖市", platform_title="明湖市科技服务平台",
    authority="明湖市科技创新局", reference=REFERENCE,
    documents={d.code: d for d in (ONE, TWO)}, provisions=PROVISIONS, interpretations={}, build_system=build_system, rules=RULES,
    event_names={"minghu_prize": "明湖创新奖", "minghu_loan": "科技贷款"},
    calculator_examples={"M2.02.patent_reward": {"year": 2025}},
    parameter_at=_parameter_at, indicator_catalogue=FilePath(__file__).resolve().parent / "indicators.yaml",
    voucher_rules=(VOUCHER_RULE,), voucher_basis=VoucherBasis("M104", f"{ONE.number} 第4条"),
)
