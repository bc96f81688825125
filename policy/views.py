"""Pages: the policy catalogue (/policy/) and the coverage report (/policy/coverage/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policy import coverage, services
from policy.catalogue import INTERPRETATIONS


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    chosen = services._interpretation_settings()
    interpretations = [{"spec": i, "value": chosen[n], "is_default": chosen[n] == i.default}
                       for n, i in INTERPRETATIONS.items()]
    return render(request, "policy/catalogue.html",
                  {"provisions": services.catalogue(), "interpretations": interpretations})


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/coverage.html", {"rows": coverage.report(), "summary": coverage.summary()})
