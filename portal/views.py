"""The public front door: what the platform is, the policy catalogue, the documents' original text, how to register.

No login: the documents are public (each is marked 此件公开发布), and so are the rules computed from them.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.formatting import parameter_value, plain_text
from portal import documents


def _catalogue_rows() -> list[dict[str, Any]]:
    from policy import services
    from policy.catalogue import BY_ID

    rows = []
    for row in services.catalogue():
        p = BY_ID[row["id"]]
        key = documents.key_of(p.document)
        rows.append({
            "id": row["id"], "title": row["title"], "citation": row["citation"], "document_key": key,
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
    docs = [{"key": k, "number": n, "title": t} for k, (n, t) in documents.DOCUMENTS.items()]
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
             and (not doc or r["document_key"] == doc) and (not form or r["form"] == form)
             and (not who or who in r["beneficiary_codes"])]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in shown:
        groups.setdefault(r["document_key"] or "", []).append(r)
    toc = [{"key": k, "number": documents.DOCUMENTS[k][0], "title": documents.DOCUMENTS[k][1], "rows": groups[k]}
           for k in documents.DOCUMENTS if k in groups]
    return render(request, "portal/catalogue.html", {
        "toc": toc, "total": len(rows), "shown": len(shown), "q": q, "document": doc, "form": form,
        "beneficiary": who, "documents": [(k, n) for k, (n, _) in documents.DOCUMENTS.items() if k in ("A", "B", "D")],
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
