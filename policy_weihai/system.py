"""The Weihai tax-benefit system: entities, parameters (YAML, dated, cited) and variables (one per provision)."""

from __future__ import annotations

import os
from glob import glob

import numpy
from openfisca_core.parameters import ParameterNode, load_parameter_file
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import config as variable_config

from policy_weihai.entities import entities

HERE = os.path.dirname(os.path.abspath(__file__))

# Money in yuan needs float64: openfisca's default float32 rounds amounts above ~16.7 million yuan (found by the
# hypothesis property tests). Set before any variable is instantiated.
variable_config.VALUE_TYPES[float]["dtype"] = numpy.float64


class WeihaiTaxBenefitSystem(TaxBenefitSystem):
    """威海市/荣成市科技创新政策。"""

    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(os.path.join(HERE, "parameters"))  # interpretations.yaml
        for document in DOCUMENTS_WITH_RULES:
            self.parameters.add_child(document, document_parameters(document))
        self.parameters.add_child("reference", reference_parameters())
        from policy_weihai.variables import ALL_VARIABLES

        for variable in ALL_VARIABLES:
            self.add_variable(variable)


#: Documents with a folder of articles: ``<doc>/art_NN/parameters.yaml`` holds the parameters ``<doc>.art_NN``.
DOCUMENTS_WITH_RULES = ("a", "b")


def document_parameters(document: str) -> ParameterNode:
    """Node ``document`` with one child ``art_NN`` per article folder that has a ``parameters.yaml``."""
    node = ParameterNode(document, data={})
    for path in sorted(glob(os.path.join(HERE, document, "art_*", "parameters.yaml"))):
        article = os.path.basename(os.path.dirname(path))
        node.add_child(article, load_parameter_file(path, f"{document}.{article}"))
    return node


#: The name openfisca's tools (``openfisca test``, ``openfisca serve``) look for in a country package.
CountryTaxBenefitSystem = WeihaiTaxBenefitSystem


def reference_parameters() -> ParameterNode:
    """Reference data with a source, loaded from data files (not constants in code): the monthly 1-year LPR.

    ``reference.lpr_1y`` is keyed by the first day of the month of publication (percent per year); the month after
    the last one in the file is closed (null), so a month that is not in the file is never read as a stale rate.
    """
    values: dict[str, dict[str, float | None]] = {}
    source = []
    last = None
    with open(os.path.join(HERE, "data", "lpr_1y.csv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                source.append(line[1:].strip())
                continue
            month, _, rate = line.strip().partition(",")
            if month and month != "month":
                values[f"{month}-01"] = {"value": float(rate)}
                last = month
    if last:
        year, month = (int(x) for x in last.split("-"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        values[f"{year:04d}-{month:02d}-01"] = {"value": None}
    return ParameterNode("reference", data={
        "description": "参考数据",
        "lpr_1y": {"description": "1年期贷款市场报价利率（LPR，%）", "values": values,
                   "metadata": {"reference": " ".join(source), "unit": "percent"}},
    })


def build_system() -> WeihaiTaxBenefitSystem:
    return WeihaiTaxBenefitSystem()
