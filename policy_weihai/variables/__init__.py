"""Variables: common inputs, then one module per document (doc_a, doc_b), and the finance provisions (finance)."""

from policy_weihai.variables import doc_a, doc_b, finance
from policy_weihai.variables.common import INPUTS

ALL_VARIABLES = [*INPUTS, *doc_a.VARIABLES, *doc_b.VARIABLES, *finance.VARIABLES]
