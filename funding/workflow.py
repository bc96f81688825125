"""The claim lifecycle declared as data: states, transitions and who may fire them.

A programme stores its own copy of ``DEFAULT_WORKFLOW`` (``Programme.workflow``): which steps it runs (a programme of
fixed amounts may skip the review step; one run by a zone may skip 区市初审) and which roles fire each transition.
``Claim`` builds its django-fsm transitions from ``TRANSITIONS``; the target of a "pass" transition is the next step
of the programme's own list, so a new programme shape is new data, not new code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# state → (internal label shown to staff, label shown to the applicant)
STATES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "草稿（未提交）"),
    "awaiting_confirmation": ("待企业确认", "待确认"),
    "objected": ("企业有异议", "异议处理中"),
    "district_check": ("区市初审", "审核中"),
    "formal_check": ("形式审查", "审核中"),
    "review": ("评审", "评审中"),
    "decision": ("市科技局决定", "评审中"),
    "publicity": ("公示中", "公示中"),
    "approved": ("待拨付", "待拨付"),
    "paid": ("已拨付", "已拨付"),
    "returned": ("退回修改", "退回修改"),
    "withdrawn": ("已撤回", "已撤回"),
    "rejected": ("未通过", "未通过"),
}
#: The claim's state choices (internal names), as the model field and the API schema use them.
STATE_CHOICES: list[tuple[str, str]] = [(k, v[0]) for k, v in STATES.items()]

# The steps between submission and payment, in order; a programme runs a subset of the optional ones.
STEPS = ["district_check", "formal_check", "review", "decision", "publicity", "approved"]
OPTIONAL_STEPS = {"district_check", "review"}
CHECK_STEPS = ["district_check", "formal_check", "review", "decision"]  # where 退回/不予通过 are possible


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str  # a state, or "next" = the programme's next step after the source
    needs_reason: bool = False


TRANSITIONS: list[Transition] = [
    Transition("submit", "提交申报", ("draft", "returned"), "first"),
    Transition("confirm", "确认无误", ("awaiting_confirmation",), "first"),
    Transition("object", "提出异议", ("awaiting_confirmation",), "objected", needs_reason=True),
    Transition("resolve_objection", "异议已处理，重新请企业确认", ("objected",), "awaiting_confirmation",
               needs_reason=True),
    Transition("district_pass", "区市初审通过", ("district_check",), "next"),
    Transition("formal_pass", "形式审查通过", ("formal_check",), "next"),
    Transition("review_done", "评审完成", ("review",), "next"),
    Transition("decide", "决定资助金额并公示", ("decision",), "publicity"),
    Transition("publicity_end", "公示期满", ("publicity",), "approved"),
    Transition("pay", "拨付", ("approved",), "paid"),
    Transition("return_to_applicant", "退回申请人修改", tuple(CHECK_STEPS), "returned", needs_reason=True),
    Transition("reject", "不予支持", (*CHECK_STEPS, "objected"), "rejected", needs_reason=True),
    Transition("withdraw", "撤回", ("draft", "returned", "awaiting_confirmation", "district_check", "formal_check",
                                    "review"), "withdrawn"),
]
BY_NAME = {t.name: t for t in TRANSITIONS}
#: the step's own transition: 退回 and 不予支持 at a step belong to the roles that run that step
STEP_TRANSITION = {"district_check": "district_pass", "formal_check": "formal_pass", "review": "review_done",
                   "decision": "decide", "objected": "resolve_objection"}
STEP_ACTIONS = ("return_to_applicant", "reject")
APPLICANT = "applicant"  # the claim's own organisation's accounts
STAFF_ROLES = ("bureau", "district", "finance")
#: Who may ever be declared for a transition: the applicant acts on its own claim only; checks, decisions and
#: payment belong to government staff (experts may finish a review). Programme.clean and a database check hold it.
APPLICANT_TRANSITIONS = ("submit", "confirm", "object", "withdraw")
ALLOWED_ROLES: dict[str, tuple[str, ...]] = {
    **{name: (APPLICANT,) for name in APPLICANT_TRANSITIONS},
    "review_done": (*STAFF_ROLES, "expert"),
    "pay": ("finance", "bureau"),
}
ROLE_LABELS = {APPLICANT: "申请单位", "bureau": "市科技局", "district": "区市科技部门", "finance": "财政部门",
               "expert": "评审专家", "enterprise": "企业/机构", "provider": "服务机构"}


def allowed_roles(transition: str) -> tuple[str, ...]:
    return ALLOWED_ROLES.get(transition, STAFF_ROLES)

DEFAULT_WORKFLOW: dict[str, Any] = {
    "steps": list(STEPS),
    "roles": {
        "submit": [APPLICANT], "confirm": [APPLICANT], "object": [APPLICANT], "withdraw": [APPLICANT],
        "resolve_objection": ["bureau", "district"],
        "district_pass": ["district", "bureau"],
        "formal_pass": ["bureau"],
        "review_done": ["bureau", "expert"],
        "decide": ["bureau"],
        "publicity_end": ["bureau"],
        "pay": ["finance"],
        "return_to_applicant": ["district", "bureau"],
        "reject": ["district", "bureau"],
    },
}


def default_workflow() -> dict[str, Any]:
    """A fresh copy of the default declaration (the model field's default)."""
    return {"steps": list(DEFAULT_WORKFLOW["steps"]),
            "roles": {k: list(v) for k, v in DEFAULT_WORKFLOW["roles"].items()}}


# who holds an item in each state (for "next step and who holds it")
HOLDERS: dict[str, str] = {
    "draft": "申请单位", "returned": "申请单位", "awaiting_confirmation": "申请单位", "objected": "市科技局",
    "district_check": "区市科技部门", "formal_check": "市科技局", "review": "评审专家/市科技局",
    "decision": "市科技局", "publicity": "市科技局（公示期）", "approved": "财政部门", "paid": "", "withdrawn": "",
    "rejected": "",
}


class WorkflowError(ValueError):
    """A workflow declaration that cannot run."""


def validate(workflow: dict[str, Any]) -> dict[str, Any]:
    """Check a programme's declaration: known steps in order, the mandatory ones present, known roles."""
    steps = list(workflow.get("steps") or [])
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise WorkflowError(f"流程步骤：未知步骤 {'、'.join(unknown)}，可用步骤为 {'、'.join(STEPS)}。")
    missing = [s for s in STEPS if s not in OPTIONAL_STEPS and s not in steps]
    if missing:
        raise WorkflowError(f"流程步骤：缺少必经步骤 {'、'.join(STATES[s][0] for s in missing)}。")
    if steps != [s for s in STEPS if s in steps]:
        raise WorkflowError("流程步骤：顺序须为 区市初审 → 形式审查 → 评审 → 决定 → 公示 → 待拨付。")
    roles = workflow.get("roles") or {}
    if not isinstance(roles, dict):
        raise WorkflowError("流程权限：须为「操作 → 角色列表」。")
    for name, declared in roles.items():
        if name not in BY_NAME:
            raise WorkflowError(f"流程权限：未知操作 {name}。")
        if not isinstance(declared, list) or not all(isinstance(r, str) for r in declared):
            raise WorkflowError(f"流程权限：「{BY_NAME[name].label}」的角色须为列表，如 [\"bureau\"]。")
        allowed = allowed_roles(name)
        wrong = [r for r in declared if r not in allowed]
        if wrong:
            raise WorkflowError(
                f"流程权限：「{BY_NAME[name].label}」不能由{'、'.join(ROLE_LABELS.get(r, r) for r in wrong)}办理，"
                f"只能是{'、'.join(ROLE_LABELS[r] for r in allowed)}。")
    return {"steps": steps, "roles": {**DEFAULT_WORKFLOW["roles"], **roles}}


def next_step(workflow: dict[str, Any], after: str | None, needs_review: bool = True) -> str:
    """The programme's step that follows ``after`` (None = the first); review is skipped for fixed amounts."""
    steps = [s for s in (workflow.get("steps") or STEPS) if needs_review or s != "review"]
    if after is None or after not in steps:
        return steps[0]
    i = steps.index(after)
    return steps[i + 1] if i + 1 < len(steps) else "approved"


def roles_for(workflow: dict[str, Any], transition: str) -> list[str]:
    """Declared roles; an applicant is dropped from every staff step whatever a stored declaration says."""
    roles = list((workflow.get("roles") or {}).get(transition) or DEFAULT_WORKFLOW["roles"].get(transition, []))
    return roles if transition in APPLICANT_TRANSITIONS else [r for r in roles if r != APPLICANT]


def internal_label(state: str) -> str:
    return STATES.get(state, (state, state))[0]


def applicant_label(state: str) -> str:
    return STATES.get(state, (state, state))[1]
