"""威政发〔2018〕20号 (document A): the variables of its articles, from ``policy_weihai/a/art_NN/variables.py``."""

from policy_weihai.variables.articles import article_variables

VARIABLES = article_variables("a")
