"""威政发〔2018〕20号 第8条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.jurisdiction import Provision
from policy_weihai.documents import A
from policy_weihai.vocabulary import A_SILENT, ALL_KINDS

PROVISIONS = [
    Provision("A.08.industrial_base_matching", "国家火炬特色产业基地等上级支持资金1:1配套", A.number, "第8条", "matching", False,
              "a08_industrial_base_matching", "获批国家火炬特色产业基地、国家创新型产业集群、国家高新技术产业化基地、国家创新创业特色载体"
              "（platform_approval，subject=national_torch_base / national_innovative_cluster / national_industrialisation_base / "
              "national_innovation_carrier，level=national，amount=上级支持资金）：按上级支持资金 1:1 配套", ALL_KINDS,
              ("a.art_08.matching_ratio",), interpretations=A_SILENT, window=A.window),
]
