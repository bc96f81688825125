"""威政发〔2018〕20号 第7条: catalogue entries and explanations (parameters, rules and tests beside them)."""

from policy.explain import Custom, cite, result, wan
from policy.jurisdiction import Provision
from policy_weihai.documents import A, D


def explain_a07(p, ctx, i):
    amount = ctx.value(p.variable, i)
    if amount <= 0:
        return []
    c = ctx.columns()
    kind = "首次认定" if c["hte_first_certification"][i] else "重新认定"
    on = c["hte_certified_on"][i]
    texts = ctx.once(p.id, lambda _: {})  # the sentence repeats for every enterprise certified the same day
    key = (on, kind, amount)
    got = texts.get(key)
    if got is None:
        got = texts[key] = (f"{on} 高新技术企业{kind}，奖励 {wan(amount)}{cite(p)}", on.isoformat())
    return [result(p, amount, "applies", got[0], {"hte_certified_on": got[1], "certification": kind})]


def applies_a07(p, ctx):
    """One result where the reward has an amount (the vectorised tally of explain_a07)."""
    amount = ctx.org_values(p.variable)
    return ctx.one_per_org(amount > 0, amount)


PROVISIONS = [
    Provision("A.07.hte_reward", "新认定/重新认定高新技术企业奖励", A.number, "第7条", "one_time", False, "a07_hte_reward",
              "当年通过高新技术企业认定（首次 20 万元、重新认定 10 万元）", ("enterprise", "service_provider"),
              ("a.art_07.hte_first", "a.art_07.hte_re"), event_level=False, also_cited=(f"{D.number} 二（四）4",),
              interpretations=("a_survives_b",), window=A.window,
              explanation=Custom(explain_a07, applies=applies_a07)),
]
