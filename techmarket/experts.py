"""Experts for a technical need: the expert database's matcher (``experts.services.experts_for_text``), the same one
that assigns reviewers in the review rounds. It reads the experts' own fields (keywords, professional field,
disciplines, achievements), never their employers' names. ``TECHMARKET_EXPERT_MATCHER`` may name another class
with ``match`` (dotted path)."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from techmarket.matching import Hit


class ExpertMatcher(Protocol):
    def match(self, text: str, chain_id: int | None, k: int, exclude_organization: int | None = None) -> list[Hit]:
        """The ``k`` experts (ids of registry.Person) best suited to a need's text, with score and reasons."""


class ExpertDatabaseMatcher:
    """Admitted experts of the expert database, ranked by ``experts_for_text`` (score 0–100, shared whole words,
    shared disciplines and chain as reasons); the need's own enterprise's experts are left out."""

    def match(self, text: str, chain_id: int | None, k: int, exclude_organization: int | None = None) -> list[Hit]:
        from experts.services import experts_for_text
        from registry.models import IndustryChain

        chain = IndustryChain.objects.filter(pk=chain_id).first() if chain_id else None
        if not (text or "").strip() and chain is None:
            return []
        found = experts_for_text(text, chain, k=k, exclude_organization=exclude_organization)
        return [Hit(m.expert.person_id, round(100 * m.score, 1), list(m.reasons["terms"]),
                    [*(f"同属产业链（{c}）" for c in m.reasons["chains"]), *m.reasons["disciplines"]])
                for m in found]


def get_expert_matcher() -> ExpertMatcher:
    path = getattr(settings, "TECHMARKET_EXPERT_MATCHER", "")
    return import_string(path)() if path else ExpertDatabaseMatcher()
