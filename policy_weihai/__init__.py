"""openfisca-core country package for Weihai (威海) and Rongcheng (荣成): science and technology policy as code.

Layout (a reader holding a document finds each article's code by its key and article number):
- parameters/<doc>/art_NN.yaml — amounts, rates and caps with the date they take effect and their citation;
- variables/doc_<doc>.py — one variable per provision, each with ``reference``;
- tests/*.yaml — OpenFisca YAML tests (run with ``openfisca test`` or ``pytest policy``).

A valid OpenFisca country package (it exposes ``CountryTaxBenefitSystem``), so the field's tools work on it from the
repository root::

    PYTHONPATH=. .venv/bin/openfisca test policy_weihai/tests --country-package policy_weihai
    PYTHONPATH=. .venv/bin/openfisca serve --country-package policy_weihai --port 5000
"""

from policy_weihai.system import CountryTaxBenefitSystem, WeihaiTaxBenefitSystem, build_system

__all__ = ["CountryTaxBenefitSystem", "WeihaiTaxBenefitSystem", "build_system"]
