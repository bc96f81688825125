"""The catalogue of encoded provisions and the named interpretations of the current jurisdiction.

The provisions themselves are declared by the jurisdiction package, next to each article's rule (see
``policy.jurisdiction``); these names are views of ``policy.jurisdiction.current()``, so that
``from policy.catalogue import BY_ID, PROVISIONS`` follows ``settings.POLICY_JURISDICTION``.
"""

from __future__ import annotations

from policy.jurisdiction import CurrentList, CurrentMapping, Document, Interpretation, Provision, current

__all__ = ["BY_ID", "DOCUMENTS", "FORMS", "INTERPRETATIONS", "PROVISIONS", "Document", "Interpretation", "Provision",
           "current"]

#: The forms of support (the platform's vocabulary).
FORMS = {"fixed": "固定金额", "ceiling": "最高限额（经评审确定）", "proportional": "按比例（有上限）",
         "matching": "配套（按上级资金比例）", "per_unit": "按数量（有年度上限）", "one_time": "一次性",
         "case_by_case": "一事一议/未定金额"}

PROVISIONS: CurrentList = CurrentList(lambda j: j.provisions)
BY_ID: CurrentMapping = CurrentMapping(lambda j: j.by_id)
INTERPRETATIONS: CurrentMapping = CurrentMapping(lambda j: j.interpretations)
DOCUMENTS: CurrentMapping = CurrentMapping(lambda j: j.documents)
