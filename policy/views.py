"""Pages: the policy catalogue (/policy/) and the coverage report (/policy/coverage/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.formatting import parameter_value, plain_text
from policy import coverage, services
from policy.catalogue import INTERPRETATIONS
from policy.jurisdiction import current


def _value_text(value: object) -> str:
    """An interpretation's setting as a reader says it (True → 是), never a code."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return {"principal_one_year": "按贷款本金计一年利息", "year_end": "按当年 12 月 31 日"}.get(str(value), "按文件默认口径")


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_government:  # enterprise accounts read the public catalogue (no codes)
        return redirect("portal:catalogue")
    chosen = services._interpretation_settings()
    interpretations = [{"spec": i, "value": chosen[n], "value_text": _value_text(chosen[n]),
                        "is_default": chosen[n] == i.default} for n, i in INTERPRETATIONS.items()]
    provisions = services.catalogue()
    from reference.services import filled_by_provision

    reference = filled_by_provision()
    for p in provisions:
        p["event_text"] = plain_text(p["event"])
        p["reference"] = reference.get(p["id"], [])
        for prm in p["parameters"]:
            for v in prm["history"]:
                v["text"] = parameter_value(v["value"], prm["unit"])
    return render(request, "policy/catalogue.html", {"provisions": provisions, "interpretations": interpretations})


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_government:
        return redirect("portal:catalogue")
    return render(request, "policy/coverage.html", {"rows": coverage.report(), "summary": coverage.summary(),
                                                   "coverage_note": current().coverage_note,
                                                   "text": coverage.text_report()})
