"""Variables: the shared inputs (common), then each article's own (``policy_weihai/<doc>/art_NN/variables.py``).

``ALL_VARIABLES`` is collected on first use, so that an article module can be imported on its own (it imports
``common``, which runs this file) without this file importing the articles back.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "ALL_VARIABLES":
        from policy_weihai.variables import doc_a, doc_b, sme
        from policy_weihai.variables.common import INPUTS

        globals()[name] = [*INPUTS, *sme.VARIABLES, *doc_a.VARIABLES, *doc_b.VARIABLES]
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
