"""Enterprise size (大型/中型/小型/微型) by 《中小企业划型标准规定》(工信部联企业〔2011〕300号): the provisions that name
中小微企业 (威政发〔2023〕5号 第25条, 第30条) read ``is_sme``.

The standard sorts an enterprise by its industry's thresholds (parameters ``sme_classification.<industry>``, dated and
cited): the enterprise is of a size when it reaches every figure of that size (从业人员, 营业收入, 资产总额 as the
industry names them), micro when it reaches none. Where the industry is not stated the size is the one every
industry gives; an enterprise below the large size's figures in every industry is 中小微 whatever its industry. A size the
facts do not decide is unknown (0): the explanations then ask for the figures. A size declared by the enterprise
(``sme_size_declared``) stands where the registry lacks the facts.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Organisation
from policy_weihai.variables.common import text_codes

#: The standard's industries (第四条（一）–（十六）): code → name. The vocabulary of ``industry_sector``.
SECTORS = {"agriculture": "农、林、牧、渔业", "industry": "工业", "construction": "建筑业", "wholesale": "批发业",
           "retail": "零售业", "transport": "交通运输业", "warehousing": "仓储业", "postal": "邮政业",
           "accommodation": "住宿业", "catering": "餐饮业", "information_transmission": "信息传输业",
           "software_it": "软件和信息技术服务业", "real_estate": "房地产开发经营", "property_management": "物业管理",
           "leasing_business": "租赁和商务服务业", "other": "其他未列明行业"}
#: Sizes: code → (number in ``sme_size``, name). 5: 中小微 in every industry, the size within it depending on it.
SIZES = {"large": (4, "大型企业"), "medium": (3, "中型企业"), "small": (2, "小型企业"), "micro": (1, "微型企业")}
SIZE_NAMES = {0: "未知", 1: "微型企业", 2: "小型企业", 3: "中型企业", 4: "大型企业", 5: "中小微企业"}
MEASURES = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}
REFERENCE = "《中小企业划型标准规定》（工信部联企业〔2011〕300号）"


def _float(name: str, label: str) -> type:
    return type(name, (Variable,), {"value_type": float, "entity": Organisation, "definition_period": YEAR,
                                    "label": label, "default_value": float("nan")})


employees = _float("employees", "从业人员（人，当年；缺当年取上年；未知为 NaN）")
operating_revenue = _float("operating_revenue", "营业收入（元，取销售收入；当年，缺当年取上年；未知为 NaN）")
total_assets = _float("total_assets", "资产总额（元；未知为 NaN）")


class industry_sector(Variable):
    value_type = str
    max_length = 40
    entity = Organisation
    definition_period = YEAR
    label = "《中小企业划型标准规定》的行业（agriculture、industry、…、other；空：未说明）"


class sme_size_declared(Variable):
    value_type = str
    max_length = 10
    entity = Organisation
    definition_period = YEAR
    label = "申报的企业规模（large/medium/small/micro；空：按从业人员、营业收入和行业划型）"


def thresholds(standard) -> dict[str, dict[str, dict[str, float]]]:  # noqa: ANN001
    """industry → size → measure → threshold, read once per parameter node (the standard at an instant)."""
    kept = _THRESHOLDS.get(id(standard))
    if kept is not None and kept[0] is standard:
        return kept[1]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for code in SECTORS:
        out[code] = {}
        for size in ("large", "medium", "small"):
            node = standard[code][size]
            figures = {}
            for measure in MEASURES:
                try:
                    figures[measure] = float(node[measure])
                except (ParameterNotFoundError, KeyError, AttributeError):
                    continue
            out[code][size] = figures
    if len(_THRESHOLDS) > 32:
        _THRESHOLDS.clear()
    _THRESHOLDS[id(standard)] = (standard, out)
    return out


_THRESHOLDS: dict[int, tuple[object, dict]] = {}


def _reaches(values: dict[str, np.ndarray], figures: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """(known to reach every figure of the size, known to miss one of them)."""
    n = len(next(iter(values.values())))
    reaches, misses = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    for measure, threshold in figures.items():
        value = values[measure]
        known = ~np.isnan(value)
        reaches &= known & (value >= threshold)
        misses |= known & (value < threshold)
    return reaches, misses


def size_in(values: dict[str, np.ndarray], node) -> np.ndarray:  # noqa: ANN001
    """The size (4 large … 1 micro, 0 unknown) under one industry's thresholds."""
    n = len(values["employees"])
    size = np.zeros(n, dtype=np.int64)
    open_ = np.ones(n, dtype=bool)  # not yet decided
    for name in ("large", "medium", "small"):
        reaches, misses = _reaches(values, node[name])
        size[open_ & reaches] = SIZES[name][0]
        open_ &= ~reaches
        undecided = open_ & ~misses
        size[undecided] = 0
        open_ &= ~undecided
    size[open_] = 1
    return size


class sme_size(Variable):
    value_type = int
    entity = Organisation
    definition_period = YEAR
    label = "企业规模（4 大型、3 中型、2 小型、1 微型、5 中小微（各行业均是）、0 未知）"
    reference = REFERENCE

    def formula(org, period, parameters):
        standard = thresholds(parameters(period.start).sme_classification)
        values = {"employees": org("employees", period), "revenue": org("operating_revenue", period),
                  "assets": org("total_assets", period)}
        by_sector = {code: size_in(values, standard[code]) for code in SECTORS}
        every = np.stack(list(by_sector.values()))
        same = (every == every[0]).all(axis=0) & (every[0] > 0)
        # 中小微 in every industry: below the large size's figures in each (the size within may need more facts)
        small_everywhere = np.all([_reaches(values, standard[code]["large"])[1] for code in SECTORS], axis=0)
        unstated = np.where(same, every[0], np.where(small_everywhere, 5, 0))
        labels, codes = text_codes(org, "industry_sector", period)
        size = unstated.copy()
        for k, label in enumerate(labels.tolist()):
            if label in by_sector:
                rows = codes == k
                size[rows] = by_sector[label][rows]
        labels, codes = text_codes(org, "sme_size_declared", period)
        for k, label in enumerate(labels.tolist()):
            if label in SIZES:
                size[codes == k] = SIZES[label][0]
        return size


class is_sme(Variable):
    value_type = bool
    entity = Organisation
    definition_period = YEAR
    label = "中小微企业（按《中小企业划型标准规定》）"
    reference = REFERENCE

    def formula(org, period):
        size = org("sme_size", period)
        return (size >= 1) & (size != 4)


VARIABLES: list[type] = [employees, operating_revenue, total_assets, industry_sector, sme_size_declared, sme_size,
                         is_sme]
