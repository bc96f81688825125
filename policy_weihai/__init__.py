"""openfisca-core country package for Weihai (威海) and Rongcheng (荣成): science and technology policy as code.

Layout (see README.md): one folder per document and article with rules, ``<doc>/art_NN/`` holding the article's
``parameters.yaml`` (dated, cited), ``variables.py``, ``tests.yaml`` (OpenFisca YAML tests) and ``coverage.yaml``.
"""

from policy_weihai.system import WeihaiTaxBenefitSystem, build_system

__all__ = ["WeihaiTaxBenefitSystem", "build_system"]
