"""openfisca-core country package for Weihai (威海) and Rongcheng (荣成): science and technology policy as code.

Layout (see README.md): one folder per document and article with rules, ``<doc>/art_NN/`` holding the article's
``parameters.yaml`` (dated, cited), ``variables.py``, ``tests.yaml`` (OpenFisca YAML tests) and ``coverage.yaml``.

A valid OpenFisca country package (it exposes ``CountryTaxBenefitSystem``), so the field's tools work on it from the
repository root::

    PYTHONPATH=. .venv/bin/openfisca test $(find policy_weihai -name tests.yaml) --country-package policy_weihai
    PYTHONPATH=. .venv/bin/openfisca serve --country-package policy_weihai --port 5000
"""

from policy_weihai.system import CountryTaxBenefitSystem, WeihaiTaxBenefitSystem, build_system

__all__ = ["CountryTaxBenefitSystem", "WeihaiTaxBenefitSystem", "build_system"]
