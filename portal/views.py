"""The front door: where everybody starts (``/``, URL name "home"), and the public pages behind it — what the platform
is, the policy catalogue, the documents' original text, how to register.

The public pages need no login: the documents are public (each is marked 此件公开发布), and so are the rules computed
from them. Signed-in users start on their own page: an enterprise or institution on its registry record, government
staff on the registry overview, everybody else on the policy catalogue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from core.formatting import parameter_value, plain_text
from portal import documents


def start(request: HttpRequest) -> HttpResponse:
    """``/``: the public front door for anonymous visitors, each role's own start page once signed in."""
    if not request.user.is_authenticated:
        return home(request)
    user = request.user
    if user.is_entity_account and user.organization_id:
        return redirect("registry:organization_detail", pk=user.organization_id)
    if not user.is_government:
        if _has_policy_catalogue():
            return redirect("policy:catalogue")
        return render(request, "portal/signed_in_home.html")
    return _staff_home(request)


def _staff_home(request: HttpRequest) -> HttpResponse:
    """Government staff: the registry they can see, in figures (organisations, qualifications in force, platforms)."""
    from indicators import catalogue
    from indicators.models import Indicator
    from registry.models import Organization, Qualification, QualificationKind
    from registry.services import visible_organizations

    today = dt.date.today()
    orgs = visible_organizations(request.user)
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")))
    quals = dict(
        Qualification.objects.filter(Qualification.in_force(today), organization__in=orgs)
        .values_list("kind")
        .annotate(n=Count("organization", distinct=True))
    )
    platforms = dict(orgs.filter(kind="platform").values_list("level").annotate(n=Count("id")))
    return render(request, "portal/staff_home.html", {
        "today": today,
        "kinds": [(label, by_kind.get(value, 0), value) for value, label in Organization._meta.get_field("kind").choices],
        "qualifications": [(label, quals.get(value, 0), value) for value, label in QualificationKind.choices],
        "platforms": [("国家级", platforms.get("national", 0)), ("省级", platforms.get("provincial", 0)), ("市级", platforms.get("city", 0))],
        "indicator_count": Indicator.objects.filter(code__in=catalogue.codes()).count(),
        "indicator_documents": "、".join(catalogue.document_keys()),
        "indicator_table": catalogue.categories().get(catalogue.plan_table(), ""),
    })


def _has_policy_catalogue() -> bool:
    try:
        reverse("policy:catalogue")
    except NoReverseMatch:
        return False
    return True


def _catalogue_rows() -> list[dict[str, Any]]:
    from policy import services
    from policy.catalogue import BY_ID

    rows = []
    for row in services.catalogue():
        p = BY_ID[row["id"]]
        key = documents.key_of(p.document)
        cited = [key, *(documents.key_of(c.partition(" ")[0]) for c in p.also_cited)]
        rows.append({
            "id": row["id"], "title": row["title"], "citation": row["citation"], "document_key": key,
            "document_keys": [k for k in cited if k],
            "article": p.article, "article_anchor": f"art-{p.article}", "also_cited": row["also_cited"],
            "form": row["form"], "form_label": row["form_label"], "is_ceiling": row["is_ceiling"],
            "beneficiary_codes": list(p.beneficiary), "beneficiary": row["beneficiary"], "event": plain_text(row["event"]),
            "window_from": row["window_from"], "window_to": row["window_to"],
            "amounts": [{"title": prm["title"], "history": [
                {"from": v["from"], "text": parameter_value(v["value"], prm["unit"])} for v in prm["history"]]}
                for prm in row["parameters"]],
        })
    return rows


def home(request: HttpRequest) -> HttpResponse:
    docs = [{"key": k, "number": d.number, "title": d.title, "has_text": documents.has_text(k)}
            for k, d in documents.DOCUMENTS.items()]
    return render(request, "portal/home.html", {"documents": docs, "provision_count": len(_catalogue_rows())})


def catalogue(request: HttpRequest) -> HttpResponse:
    from policy.catalogue import FORMS
    from policy.services import ORG_KINDS

    rows = _catalogue_rows()
    q = (request.GET.get("q") or "").strip()
    doc = request.GET.get("document") or ""
    form = request.GET.get("form") or ""
    who = request.GET.get("beneficiary") or ""
    shown = [r for r in rows
             if (not q or q in r["title"] or q in r["event"] or q in r["citation"])
             and (not doc or doc in r["document_keys"]) and (not form or r["form"] == form)
             and (not who or who in r["beneficiary_codes"])]
    cited = {k for r in rows for k in r["document_keys"]}  # the filter offers the documents some provision cites
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in shown:
        groups.setdefault(r["document_key"] or "", []).append(r)
    texts = {k: documents.has_text(k) for k in documents.DOCUMENTS}  # each a look into settings.POLICY_DIR
    toc = [{"key": k, "number": d.number, "title": d.title, "has_text": texts[k], "rows": groups[k]}
           for k, d in documents.DOCUMENTS.items() if k in groups]
    return render(request, "portal/catalogue.html", {
        "toc": toc, "any_text": any(texts.values()), "total": len(rows), "shown": len(shown), "q": q, "document": doc,
        "form": form,
        "beneficiary": who, "documents": [(k, d.number) for k, d in documents.DOCUMENTS.items() if k in cited],
        "forms": [(k, v) for k, v in FORMS.items() if any(r["form"] == k for r in rows)],
        "beneficiaries": list(ORG_KINDS.items()),
    })


def document_text(request: HttpRequest, key: str) -> HttpResponse:
    doc = documents.document(key)
    if doc is None:
        raise Http404("没有这份文件。")
    return render(request, "portal/document.html", {"doc": doc})


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/register.html")
