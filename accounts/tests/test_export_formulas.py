"""Excel exports never carry a formula from user data (issue 12): organisation names go through core.xlsx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def evil_org():
    from registry.models import Organization, Region

    region = Region.objects.create(code="X-FORMULA", name="测试区", kind="division")
    return Organization.objects.create(kind="enterprise", name=EVIL, region=region, uscc="91371000MA3FORMULA")


def _cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))  # rich_text=False: what a spreadsheet program would read
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _assert_text_not_formula(data: bytes) -> None:
    hits = [c for c in _cells(data) if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hits, "the organisation name is in the export"
    for c in hits:
        assert c.data_type != "f", f"{c.coordinate} is a formula"
        assert c.value == EVIL  # shown as the literal text


def test_funding_payment_batch_writes_the_name_as_text(evil_org):
    from funding.documents import payment_batch_xlsx
    from funding.models import BudgetLine, Claim, Programme

    programme = Programme.objects.create(name="专项", year=2025)
    line = BudgetLine.objects.create(programme=programme, name="市级", source=BudgetLine._meta.get_field(
        "source").choices[0][0], amount=Decimal("1000000"))
    claim = Claim.objects.create(programme=programme, organization=evil_org, origin="call", title="事项", year=2025,
                                 entitled_amount=Decimal("100000"), decided_amount=Decimal("100000"), budget_line=line)
    _assert_text_not_formula(payment_batch_xlsx([claim]))


def test_scifinance_loan_export_writes_the_name_as_text(evil_org):
    from scifinance.excel import export_loans
    from scifinance.models import Loan, Partner

    bank = Partner.objects.create(organization=evil_org, kind="bank")
    Loan.objects.create(lender=bank, borrower=evil_org, product="transformation_loan", contract_no="F-1",
                        contract_date=dt.date(2025, 3, 1), amount=Decimal("1000000"), term_months=12,
                        rate=Decimal("3.45"), collateral="credit")
    _assert_text_not_formula(export_loans(Loan.objects.select_related("lender__organization", "borrower__region")))
