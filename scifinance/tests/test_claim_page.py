"""Issue 26 item 27: the loss-compensation form states its rule and this loan's dates before it refuses; the default
form says what the documents require; an insurer starts from its policies, with no loan menu."""

from __future__ import annotations

import datetime as dt

from scifinance import services
from scifinance.models import LossClaim
from scifinance.tests.conftest import PDF, loan_values
from scifinance.tests.test_views import client_for


def _loan(fw, no: str, signed: dt.date, defaulted: dt.date | None, filed: dt.date | None = None):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_no=no, contract_date=str(signed)))
    if filed:
        services.file_loan(fw.bea, loan, filed)
    if defaulted:
        services.mark_default(fw.bea, loan, defaulted)
    return loan


def test_claim_section_states_the_rule_and_this_loans_dates_before_refusing(fw):
    today = dt.date.today()
    recent = _loan(fw, "R", today - dt.timedelta(days=12), today - dt.timedelta(days=6), today - dt.timedelta(days=10))
    c = client_for(fw.banker)
    body = c.get(f"/scifinance/loans/{recent.pk}/").content.decode()
    opens, closes = today + dt.timedelta(days=84), today + dt.timedelta(days=264)
    assert ("申请条件：贷款在违约前已在“科技成果转化贷款风险补偿”备案（威政发〔2018〕20号 第19条）；逾期满 90 天后、"
            "其后 180 天内提出（资金池规定）") in body
    assert "补偿：市级 35%、省级 35%" in body
    assert f"可申请期间：{opens} 至 {closes}" in body and f"{opens} 起、{closes} 前（含）可以提交" in body
    assert "提交申请" not in body
    # the service says the same, and a claim dated in the future does not get round it
    r = c.post(f"/scifinance/loans/{recent.pk}/", {"action": "claim", "loss": "1000", "filed_on": str(opens),
                                                   "bank_account": "6222000011112222", "evidence": _pdf()})
    assert "申请日期：晚于今天，请填写提交申请的当天。" in r.content.decode() and not LossClaim.objects.exists()

    due = _loan(fw, "D", today - dt.timedelta(days=200), today - dt.timedelta(days=100),
                today - dt.timedelta(days=190))
    body = c.get(f"/scifinance/loans/{due.pk}/").content.decode()
    assert "逾期满 90 天后" in body and "提交申请" in body and f'value="{today}"' in body
    r = c.post(f"/scifinance/loans/{due.pk}/", {"action": "claim", "loss": "1000000", "filed_on": str(today),
                                                "bank_account": "6222000011112222", "evidence": _pdf()}, follow=True)
    assert "已提交风险补偿申请，市级补偿 350,000.00 元" in r.content.decode()


def test_claim_section_says_why_an_unfiled_loan_is_not_compensable(fw):
    today = dt.date.today()
    loan = _loan(fw, "U", today - dt.timedelta(days=200), today - dt.timedelta(days=100))
    body = client_for(fw.banker).get(f"/scifinance/loans/{loan.pk}/").content.decode()
    assert f"该笔贷款在违约日 {today - dt.timedelta(days=100)} 前未在“科技成果转化贷款风险补偿”备案" in body
    assert "提交申请" not in body


def test_default_form_states_what_the_documents_require(fw):
    loan = _loan(fw, "F", dt.date.today() - dt.timedelta(days=12), None)
    body = client_for(fw.banker).get(f"/scifinance/loans/{loan.pk}/").content.decode()
    assert ("贷款须在违约前备案，违约后不能再备案、也不能申请风险补偿（威政发〔2018〕20号 第19条）。本笔贷款尚未备案。"
            in body)


def test_insurer_starts_from_its_policies_without_a_loan_menu(fw):
    c = client_for(fw.insurer_user)
    r = c.get("/scifinance/", follow=True)
    body = r.content.decode()
    assert r.redirect_chain[-1][0] == "/scifinance/policies/" and "登记保单" in body
    assert "登记贷款" not in body and "Excel 导入" not in body and 'href="/scifinance/loans/"' not in body
    assert c.get("/scifinance/loans/new/").status_code == 404 and c.get("/scifinance/import/").status_code == 404
    body = client_for(fw.banker).get("/scifinance/", follow=True).content.decode()
    assert "登记贷款" in body and "暂无贷款" in body


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("default.pdf", PDF, content_type="application/pdf")
