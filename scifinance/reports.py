"""Dashboard figures: loans by product, bank and district; subsidies paid by article; pool balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from funding import money
from scifinance import pools
from scifinance.models import Loan, Product, RiskPool

ZERO = Decimal(0)


def loans_by(qs, field: str, label_field: str | None = None) -> list[dict[str, Any]]:
    rows = qs.values(field, *([label_field] if label_field else [])).annotate(n=Count("id"), total=Sum("amount"))
    out = []
    for r in rows.order_by("-total"):
        label = r[label_field] if label_field else dict(Product.choices).get(r[field], r[field])
        out.append({"label": label, "count": r["n"], "total": r["total"] or ZERO})
    return out


def subsidies_by_article() -> list[dict[str, Any]]:
    """Money paid out of the funding ledger, net of clawbacks and reversals, by document and article."""
    rows = money.paid_by_article().order_by("document", "article")
    return [{"label": f"{r['document']} {r['article']}", "paid": r["paid"] or ZERO, "entries": r["n"]} for r in rows
            if r["paid"]]


def dashboard(qs=None) -> dict[str, Any]:
    qs = qs if qs is not None else Loan.objects.all()
    return {
        "by_product": loans_by(qs, "product"),
        "by_bank": loans_by(qs, "lender", "lender__organization__name"),
        "by_district": loans_by(qs, "borrower__region", "borrower__region__name"),
        "subsidies": subsidies_by_article(),
        "pools": [pools.figures(p) for p in RiskPool.objects.all().order_by("id")],
        "total": qs.aggregate(n=Count("id"), s=Sum("amount")),
    }
