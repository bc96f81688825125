"""A recorder of every write to a funding table, for the one-door tests of each app (issue 24 item 2: no app outside
funding creates or updates funding rows).

Every save and delete of a funding model (pre_save / post_delete signals) and every queryset ``update``,
``bulk_create`` and ``delete`` on one is recorded with the code that made it: the first frame, walking out from the
write, that is neither Django nor another installed package, the standard library, nor test code. That frame must
lie in funding/.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet
from django.db.models.signals import post_delete, pre_save

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Write:
    model: str
    how: str
    where: str  # "app/module.py:line" of the first project frame outside tests

    @property
    def inside_funding(self) -> bool:
        return self.where.startswith("funding/")


def _project_frame() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        try:
            rel = path.resolve().relative_to(ROOT)
        except ValueError:  # the standard library, an installed package outside the project folder
            frame = frame.f_back
            continue
        parts = rel.parts
        if parts and parts[0] not in (".venv", "node_modules") and "tests" not in parts \
                and rel.name != "conftest.py" and "site-packages" not in parts:
            return f"{rel.as_posix()}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


@contextmanager
def funding_writes() -> Iterator[list[Write]]:
    """Record the funding writes made inside the block; yields the list, filled as writes happen."""
    writes: list[Write] = []

    def is_funding(model: type) -> bool:
        return model._meta.app_label == "funding"

    def on_save(sender: type, **kwargs: object) -> None:
        if is_funding(sender):
            writes.append(Write(sender.__name__, "save", _project_frame()))

    def on_delete(sender: type, **kwargs: object) -> None:
        if is_funding(sender):
            writes.append(Write(sender.__name__, "delete", _project_frame()))

    originals = {name: getattr(QuerySet, name) for name in ("update", "bulk_create", "delete")}

    def wrap(name: str):
        original = originals[name]

        def method(self: QuerySet, *args: object, **kwargs: object):
            if is_funding(self.model):
                writes.append(Write(self.model.__name__, name, _project_frame()))
            return original(self, *args, **kwargs)
        return method

    pre_save.connect(on_save, weak=False, dispatch_uid="one-door-save")
    post_delete.connect(on_delete, weak=False, dispatch_uid="one-door-delete")
    for name in originals:
        setattr(QuerySet, name, wrap(name))
    try:
        yield writes
    finally:
        for name, original in originals.items():
            setattr(QuerySet, name, original)
        pre_save.disconnect(dispatch_uid="one-door-save")
        post_delete.disconnect(dispatch_uid="one-door-delete")


def outside_funding(writes: list[Write]) -> list[Write]:
    return [w for w in writes if not w.inside_funding]


def pay_entitlement(applicant, provision_id: str, year: int, kind: str, budget: str = "5000000"):
    """An entitlement claimed and paid on a programme of ``kind`` (技术合同补助, 孵化奖励 …) set up for the year:
    the applicant claims with its bank account and evidence, the district passes, the bureau decides, the 公示 ends
    (0 days), finance pays. Returns the paid claim. Test scaffolding: it calls funding's services as its pages do."""
    from accounts.models import User
    from funding import money, services
    from funding.setup import WORKFLOWS

    org = applicant.organization
    bureau = User.objects.create_user(f"door-bureau-{provision_id}", password="pw-12345", role="bureau")
    finance = User.objects.create_user(f"door-finance-{provision_id}", password="pw-12345", role="finance")
    district = User.objects.create_user(f"door-district-{provision_id}", password="pw-12345", role="district",
                                        region=org.region)
    programme = money.create_programme(bureau, f"一扇门测试专项 {kind}", year, kind=kind, publicity_days=0,
                                       workflow_def={"steps": WORKFLOWS["fixed"][1]},
                                       lines=[("市级资金", "city", budget)])
    line = money.budget_lines(programme, confirmed=False).get()
    money.confirm_budget_line(finance, line)
    claim, created = money.claim_entitlement(applicant, org, provision_id, year)
    assert created and claim.programme == programme, claim.programme
    services.update_claim(applicant, claim, {"bank_name": "威海银行", "bank_account": "6222000011112222"})
    money.attach(applicant, claim, "证明材料", "proof.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    for user, step in ((applicant, "submit"), (district, "district_pass"), (bureau, "formal_pass"),
                       (bureau, "decide"), (bureau, "publicity_end"), (finance, "pay")):
        money.perform(user, claim.pk, step, amount=claim.entitled_amount if step == "decide" else None)
    claim.refresh_from_db()
    return claim
