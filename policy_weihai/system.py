"""The Weihai tax-benefit system: entities, parameters (YAML, dated, cited) and variables (one per provision)."""

from __future__ import annotations

import os
from glob import glob

import numpy
from openfisca_core.parameters import ParameterNode, load_parameter_file
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import config as variable_config

from policy.jurisdiction import ReferenceTable
from policy_weihai.entities import entities
from policy_weihai.reference import REFERENCE_TABLES

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
        self._limit_to_places()

    def _limit_to_places(self) -> None:
        """Every provision's amounts (its variable, and the per-event amounts ``*_event``) are 0 for organisations
        registered outside where it applies (``policy.jurisdiction.Jurisdiction.place_of``: 我市 for A and B)."""
        from policy_weihai.jurisdiction import JURISDICTION
        from policy_weihai.variables.common import only_in_place

        places = {p.variable: JURISDICTION.place_of(p) for p in JURISDICTION.provisions}
        city = JURISDICTION.reference.city[0]
        for name, variable in self.variables.items():
            if not variable.formulas:
                continue
            if name in places:
                place = places[name]
            elif name.endswith("_event") and variable.value_type is float:
                place = places.get(name[: -len("_event")], city)
            else:
                continue
            for start, formula in list(variable.formulas.items()):
                variable.formulas[start] = only_in_place(formula, place)


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


def table_values(table: ReferenceTable) -> dict[str, float]:
    """``YYYY-MM`` → value: as staff entered them (``reference.store``), or the package's CSV without a database."""
    try:
        from reference.store import database_values
    except ImportError:  # the package used outside the platform
        return table.csv_values()
    return database_values(table.code) or table.csv_values()


def monthly_parameter(table: ReferenceTable, values: dict[str, float]) -> dict:
    """An openfisca parameter keyed by the first day of each month; every month without a value up to the month
    after the last one is closed (null), so a missing month is never read as the month before's rate."""
    data: dict[str, dict[str, float | None]] = {}
    if values:
        month = numpy.datetime64(min(values), "M")
        last = numpy.datetime64(max(values), "M")
        while month <= last + 1:
            key = str(month)
            data[f"{key}-01"] = {"value": values.get(key)}
            month += 1
    return {"description": table.title, "values": data, "metadata": {"reference": table.source, "unit": table.unit}}


def reference_parameters() -> ParameterNode:
    """Reference data with a source, read when the system is built (not constants in code): the monthly tables of
    ``REFERENCE_TABLES`` (the 1-year LPR), keyed by the first day of the month of publication."""
    data: dict = {"description": "参考数据"}
    for table in REFERENCE_TABLES:
        data[table.code] = monthly_parameter(table, table_values(table))
    return ParameterNode("reference", data=data)


def build_system() -> WeihaiTaxBenefitSystem:
    return WeihaiTaxBenefitSystem()
