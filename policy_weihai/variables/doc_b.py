"""威政发〔2023〕5号 (document B): the variables of its articles, from ``policy_weihai/b/art_NN/variables.py``; re-exports
第14条's contract types and buyer roles, which the explanation of the platform reads."""

from policy_weihai.b.art_14.variables import B14_BUYER_ROLES, B14_CONTRACT_TYPES
from policy_weihai.variables.articles import article_variables

__all__ = ["B14_BUYER_ROLES", "B14_CONTRACT_TYPES", "VARIABLES"]

VARIABLES = article_variables("b")
