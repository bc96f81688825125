"""Lifecycles declared as data: states, transitions and who may fire them (one guarded function applies them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: tuple[str, ...]
    target: str
    who: tuple[str, ...]  # "staff" (bureau/district), "party" (need or achievement owner), "broker"
    #: Sides that must each confirm before the transition fires ("need", "achievement"); one side's confirmation
    #: is recorded and waits for the other's.
    consent: tuple[str, ...] = ()


#: 对接: 意向 → 洽谈 → 签约 (both sides confirm), or 放弃 from 意向/洽谈.
MATCH = (
    Transition("negotiate", "进入洽谈", ("intent",), "negotiating", ("staff", "party", "broker")),
    Transition("sign", "确认签约", ("negotiating",), "signed", ("party",), consent=("need", "achievement")),
    Transition("abandon", "放弃", ("intent", "negotiating"), "abandoned", ("staff", "party")),
)

#: Listings: moderation before public, expiry, renewal by the owner.
LISTING = (
    Transition("approve", "审核通过", ("pending",), "published", ("staff",)),
    Transition("reject", "退回", ("pending",), "rejected", ("staff",)),
    Transition("resubmit", "重新提交", ("rejected",), "pending", ("party",)),
    Transition("renew", "续期", ("published", "expired"), "published", ("party", "staff")),
    Transition("close", "关闭", ("pending", "published", "expired", "rejected"), "closed", ("party", "staff")),
)

#: 技术合同登记: submitted → registered (number, date, 核定 amount) or refused with grounds; a refused one may be
#: corrected (补正) and submitted again, or appealed (复议): staff then register it or uphold the refusal.
CONTRACT = (
    Transition("register", "登记", ("submitted", "appealed"), "registered", ("staff",)),
    Transition("refuse", "不予登记", ("submitted",), "refused", ("staff",)),
    Transition("correct", "补正后重新提交", ("refused",), "submitted", ("party", "staff")),
    Transition("appeal", "申请复议", ("refused",), "appealed", ("party",)),
    Transition("uphold", "维持不予登记", ("appealed",), "refused", ("staff",)),
)


def find(table: tuple[Transition, ...], action: str) -> Transition | None:
    return next((t for t in table if t.action == action), None)


def available(table: tuple[Transition, ...], state: str, roles: set[str]) -> list[Transition]:
    return [t for t in table if state in t.source and roles & set(t.who)]


def waiting(t: Transition, consents: dict, sides: set[str]) -> bool:
    """Whether these sides have all confirmed ``t`` already and wait for the other side."""
    given = set(consents.get(t.action, {}))
    return bool(t.consent) and bool(sides & set(t.consent)) and sides & set(t.consent) <= given
