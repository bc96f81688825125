"""Inputs and helpers shared by the provisions: event facts, organisation facts, parameters at event dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event, Organisation

NOT_IN_FORCE = np.nan


def at_dates(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    """The value of parameter ``path`` in force at each date (NaN where the document is not in force that day).

    Vectorised over the distinct dates, so that an event of 2023-05-01 and one of 2023-08-01 in the same year read
    different documents.
    """
    out = np.full(len(dates), NOT_IN_FORCE, dtype=float)
    if len(dates) == 0:
        return out
    days = dates.astype("datetime64[D]")
    for day in np.unique(days):
        try:
            node = parameters(str(day))
            for part in path.split("."):
                node = getattr(node, part)
            value = float(node)
        except ParameterNotFoundError:
            continue
        out[days == day] = value
    return out


def in_force(parameters: Any, dates: np.ndarray, path: str) -> np.ndarray:
    return ~np.isnan(at_dates(parameters, dates, path))


def value_or_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def _input(name: str, entity: Any, value_type: type, label: str, default: Any = None) -> type:
    attrs: dict[str, Any] = {"value_type": value_type, "entity": entity, "definition_period": YEAR, "label": label}
    if default is not None:
        attrs["default_value"] = default
    if value_type is str:
        attrs["max_length"] = 60
    return type(name, (Variable,), attrs)


event_kind = _input("event_kind", Event, str, "事件类别（registry RecognitionKind）")
event_subject = _input("event_subject", Event, str, "事项（平台类别、奖项、认定类别）")
event_level = _input("event_level", Event, str, "级别（city/provincial/national）")
event_grade = _input("event_grade", Event, str, "等次（特等奖/一等奖/二等奖/三等奖/青年奖）")
event_role = _input("event_role", Event, str, "角色（lead 牵头/第一完成单位，participant 参与）")
event_date = _input("event_date", Event, date, "发生日期", date(1970, 1, 1))
event_amount = _input("event_amount", Event, float, "金额（元）：上级奖金、合同支付额等", 0.0)
event_seller_in_weihai = _input("event_seller_in_weihai", Event, bool, "技术合同卖方为在威高校院所（未知按是，并提示核实）", True)
event_is_enterprise = _input("event_is_enterprise", Event, bool, "事件所属主体为企业", False)

org_is_enterprise = _input("org_is_enterprise", Organisation, bool, "主体为企业", False)
rd_expense = _input("rd_expense", Organisation, float, "当年研发投入（元）", 0.0)
rd_expense_prev = _input("rd_expense_prev", Organisation, float, "上年研发投入（元）", 0.0)
rd_active = _input("rd_active", Organisation, bool, "有研发活动", False)
above_designated_size = _input("above_designated_size", Organisation, bool, "规模以上企业", False)
is_high_tech_enterprise = _input("is_high_tech_enterprise", Organisation, bool, "国家高新技术企业（当年有效）", False)
is_tech_sme = _input("is_tech_sme", Organisation, bool, "国家科技型中小企业（当年入库）", False)
hte_certified = _input("hte_certified", Organisation, bool, "当年通过高新技术企业认定", False)
hte_first_certification = _input("hte_first_certification", Organisation, bool, "当年认定为首次认定（否则重新认定）", False)
hte_certified_on = _input("hte_certified_on", Organisation, date, "高新技术企业认定日期", date(1970, 1, 1))
sales_revenue_y0 = _input("sales_revenue_y0", Organisation, float, "当年销售收入（元）", 0.0)
sales_revenue_y1 = _input("sales_revenue_y1", Organisation, float, "上年销售收入（元）", 0.0)
sales_revenue_y3 = _input("sales_revenue_y3", Organisation, float, "三年前销售收入（元）", 0.0)

INPUTS = [event_kind, event_subject, event_level, event_grade, event_role, event_date, event_amount,
          event_is_enterprise, event_seller_in_weihai, org_is_enterprise, rd_expense, rd_expense_prev, rd_active, above_designated_size,
          is_high_tech_enterprise, is_tech_sme, hte_certified, hte_first_certification, hte_certified_on,
          sales_revenue_y0, sales_revenue_y1, sales_revenue_y3]


def year_end(period: Any) -> np.ndarray:
    return np.array([f"{period.start.year}-12-31"], dtype="datetime64[D]")


def txt(entity: Any, name: str, period: Any) -> np.ndarray:
    """A string input as a unicode array (openfisca stores ``str`` variables as fixed-width bytes)."""
    return entity(name, period).astype(str)


#: Award grades as ASCII codes (openfisca string storage is ASCII); the service maps the Chinese names.
GRADE_CODES = {"特等奖": "special", "一等奖": "first", "二等奖": "second", "三等奖": "third", "青年奖": "youth",
               "优秀": "excellent"}
