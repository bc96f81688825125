"""A small stand-in for policy.services used by this app's tests (same interface, two toy provisions).

The figures here are test fixtures, not policy: the real provisions and amounts come from the policy engine.
It reads the registry the way the engine does (qualifications and recognitions dated in the year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from registry.models import Organization, Qualification, Recognition

HTE = "test.hte_first_certification"
PLATFORM = "test.platform_approval"
PARAMETERS = {
    "test.hte_reward": {"title": "高企首次认定奖励（测试）", "unit": "元", "min": 0, "max": 10_000_000, "value_now": 100000},
    "test.platform_ceiling": {"title": "平台获批奖励上限（测试）", "unit": "元", "min": 0, "max": None, "value_now": 500000},
}
calls: list[tuple[int, ...]] = []  # batches seen by evaluate_many (tests inspect and may inject failures)
fail_on_call: dict[int, BaseException] = {}


class PolicyInputError(ValueError):
    pass


@dataclass
class ProvisionResult:
    provision_id: str
    title: str
    document: str
    article: str
    form: str
    is_ceiling: bool
    amount: Decimal
    status: str
    explanation: str = ""
    missing: str | list[str] = ""
    facts_used: dict = field(default_factory=dict)
    interpretations: list = field(default_factory=list)
    caveats: list = field(default_factory=list)


@dataclass
class EvaluationResult:
    subject: Any
    period: str
    results: list[ProvisionResult]


def _params(overrides: dict | None) -> dict[str, Decimal]:
    values = {k: Decimal(v["value_now"]) for k, v in PARAMETERS.items()}
    for k, v in (overrides or {}).items():
        if k not in PARAMETERS:
            raise PolicyInputError(f"未知参数：{k}")
        values[k] = Decimal(v)
    return values


def _results(first_hte: bool, tech_sme: bool, platform: bool, p: dict[str, Decimal]) -> list[ProvisionResult]:
    out = []
    if first_hte:
        out.append(ProvisionResult(HTE, "高新技术企业首次认定奖励", "测试文件", "第1条", "reward", False,
                                   p["test.hte_reward"], "applies", "当年首次认定为高新技术企业。"))
    elif tech_sme:
        out.append(ProvisionResult(HTE, "高新技术企业首次认定奖励", "测试文件", "第1条", "reward", False, Decimal(0),
                                   "near", "", "当年首次认定为高新技术企业"))  # the engine gives one string
    else:
        out.append(ProvisionResult(HTE, "高新技术企业首次认定奖励", "测试文件", "第1条", "reward", False, Decimal(0),
                                   "not_applicable"))
    out.append(ProvisionResult(PLATFORM, "创新平台获批奖励", "测试文件", "第2条", "reward", True,
                               p["test.platform_ceiling"] if platform else Decimal(0),
                               "applies" if platform else "not_applicable", "当年获批创新平台。" if platform else ""))
    return out


def evaluate_many(org_ids: list[int], year: int, overrides: dict | None = None) -> Iterator[tuple[int, list]]:
    n = len(calls)
    calls.append(tuple(org_ids))
    if n in fail_on_call:
        raise fail_on_call.pop(n)
    p = _params(overrides)
    end = dt.date(year, 12, 31)
    hte = set(Qualification.objects.filter(organization_id__in=org_ids, kind="high_tech_enterprise",
                                           certification="first_certification", valid_from__year=year)
              .values_list("organization_id", flat=True))
    sme = set(Qualification.objects.filter(Qualification.in_force(end), organization_id__in=org_ids, kind="tech_sme")
              .values_list("organization_id", flat=True))
    plat = set(Recognition.objects.filter(organization_id__in=org_ids, kind="platform_approval", occurred_on__year=year)
               .values_list("organization_id", flat=True))
    for oid in org_ids:
        yield oid, _results(oid in hte, oid in sme, oid in plat, p)


def evaluate_organization(org: Organization, year: int, overrides: dict | None = None) -> EvaluationResult:
    (_, results), = list(evaluate_many([org.pk], year, overrides))
    return EvaluationResult(org, str(year), results)


def evaluate_situation(situation: dict, period: str, overrides: dict | None = None) -> EvaluationResult:
    year = int(period)
    quals = situation.get("qualifications", [])
    first = any(q["kind"] == "high_tech_enterprise" and q["certification"] == "first_certification"
                and q["valid_from"].startswith(str(year)) for q in quals)
    sme = any(q["kind"] == "tech_sme" for q in quals)
    plat = any(r["kind"] == "platform_approval" for r in situation.get("recognitions", []))
    return EvaluationResult(situation, period, _results(first, sme, plat, _params(overrides)))


def tunable_parameters() -> list[dict]:
    return [{"path": k, "reference": "测试文件", **v} for k, v in PARAMETERS.items()]
