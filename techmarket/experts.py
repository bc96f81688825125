"""Experts for a need, behind a small interface: the expert database (its own app and matcher) can replace the
registry-based default by setting ``TECHMARKET_EXPERT_MATCHER`` to the dotted path of a class with ``match``."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.db.models import Count, Max
from django.utils.module_loading import import_string

from techmarket.matching import Hit, TextIndex


class ExpertMatcher(Protocol):
    def match(self, text: str, chain_id: int | None, k: int) -> list[Hit]:
        """The ``k`` experts (ids of registry.Person) best suited to a need's text, with score and reasons."""


class RegistryExpertMatcher:
    """Experts of the registry (Person of kind 科技专家): field, title, industry chain and employer as text."""

    _index: tuple[tuple, TextIndex] | None = None

    def _build(self) -> TextIndex:
        from registry.models import Person

        qs = Person.objects.filter(kind=Person.Kind.EXPERT)
        fp = tuple(qs.aggregate(n=Count("id"), m=Max("id")).values())
        if RegistryExpertMatcher._index and RegistryExpertMatcher._index[0] == fp:
            return RegistryExpertMatcher._index[1]
        rows = list(qs.values_list("id", "field", "title", "industry_chain__name", "organization__name",
                                   "industry_chain_id"))
        index = TextIndex([r[0] for r in rows], [f"{r[1]} {r[1]} {r[2]} {r[3] or ''} {r[4] or ''}" for r in rows],
                          {"chain": [r[5] or 0 for r in rows]})
        RegistryExpertMatcher._index = (fp, index)
        return index

    def match(self, text: str, chain_id: int | None, k: int) -> list[Hit]:
        boost = {"chain": (chain_id, 5.0, "同属产业链")} if chain_id else {}
        return self._build().search(text, k, boost=boost)


def get_expert_matcher() -> ExpertMatcher:
    path = getattr(settings, "TECHMARKET_EXPERT_MATCHER", "")
    return import_string(path)() if path else RegistryExpertMatcher()
