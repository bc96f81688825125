"""Pages, Excel import and REST API: the figures users see, and other parties' ids answer 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from scifinance import excel, pools, services
from scifinance.models import Loan, Scheme
from scifinance.tests.conftest import PDF, loan_values


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def row(w, no: str, **over) -> list:
    v = loan_values(w, contract_no=no, **over)
    return [v["borrower_uscc"], v["product"], v["contract_no"], v["contract_date"], v["amount"], v["term_months"],
            v["rate"], v["collateral"], v.get("talent_name", ""), v.get("talent_id", "")]


def test_excel_import_is_all_or_nothing_and_lists_every_bad_row(fw):
    from registry.uscc import make_uscc

    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    data = excel.build_workbook(
        [row(fw, "A1"), row(fw, "A2", contract_date=future), row(fw, "A3", borrower_uscc=make_uscc("91371000MA3F09999")),
         row(fw, "A4", borrower_uscc=fw.blacklisted.uscc)],
        [["A1", "2024-06-01", "6000000", "0"]])
    r = client_for(fw.banker).post("/scifinance/import/", {"file": _upload(data)})
    body = r.content.decode()
    assert r.status_code == 200 and "共 4 处，未导入" in body
    assert "<td>3</td>" in body and "晚于今天" in body and "平台登记的创新主体中没有" in body and "科研失信名单" in body
    assert "超过合同 A1 未还本金余额 5,000,000.00 元" in body
    assert Loan.objects.count() == 0


def test_excel_import_writes_loans_and_repayments(fw):
    data = excel.build_workbook([row(fw, "A1"), row(fw, "A2", product="知识产权质押贷款", amount="2000000")],
                                [["A1", "2024-06-01", "1000000", "12000"]])
    r = client_for(fw.banker).post("/scifinance/import/", {"file": _upload(data)}, follow=True)
    assert "已导入贷款 2 笔、还款 1 笔" in r.content.decode()
    assert services.outstanding(Loan.objects.get(contract_no="A1")) == 4_000_000


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("loans.xlsx", data)


def test_loan_pages_show_figures_and_hide_other_banks_loans(fw):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw))
    body = client_for(fw.banker).get(f"/scifinance/loans/{loan.pk}/").content.decode()
    assert "5,000,000.00 元" in body and "未备案" in body
    assert client_for(fw.stranger).get(f"/scifinance/loans/{loan.pk}/").status_code == 404
    assert "暂无贷款" in client_for(fw.stranger).get("/scifinance/loans/").content.decode()
    assert client_for(fw.alice).get(f"/scifinance/loans/{loan.pk}/").status_code == 200  # the borrower
    assert client_for(fw.stranger).get("/scifinance/dashboard/").status_code == 404
    assert client_for(fw.alice).get("/scifinance/pools/").status_code == 404
    assert Client().get("/scifinance/loans/").status_code == 302


def test_loan_form_keeps_input_and_shows_chinese_errors(fw):
    values = loan_values(fw, amount="abc", product="talent_loan", collateral="credit")
    r = client_for(fw.banker).post("/scifinance/loans/new/", values)
    body = r.content.decode()
    assert "贷款金额：请填写金额数字" in body and fw.ent_a.uscc in body and not Loan.objects.exists()


def test_dashboard_and_pools_show_amounts(fw):
    loan = services.register_loan(fw.banker, fw.bank, loan_values(fw, contract_date="2024-01-10"))
    services.file_loan(fw.bea, loan, "2024-01-15")
    services.mark_default(fw.bea, loan, "2024-03-01")
    lc = pools.file_loss_claim(fw.banker, loan, "2000000", "2024-06-15", [("证明", "a.pdf", PDF)], "", "6222000011112222")
    c = client_for(fw.bea)
    c.post("/scifinance/pools/", {"loss_claim": lc.pk, "action": "approve"})
    client_for(fw.fin).post("/scifinance/pools/", {"loss_claim": lc.pk, "action": "pay"})
    body = c.get("/scifinance/dashboard/").content.decode()
    assert "5,000,000.00" in body and "威政发〔2018〕20号 第19条" in body and "700,000.00" in body
    assert "9,300,000.00" in body  # the pool's balance after paying 70 万
    body = c.get("/scifinance/pools/").content.decode()
    assert "已拨付" in body and "9,300,000.00" in body
    assert c.get("/scifinance/dashboard/?export=1")["Content-Type"].startswith("application/vnd.openxml")
    assert fw.pools[Scheme.TRANSFORMATION_LOAN].programme.claims.count() == 1


def test_chokepoint_page_shows_the_four_parts(fw):
    from registry.models import Recognition

    project = Recognition.objects.create(organization=fw.ent_a, kind="project", subject="chokepoint_project",
                                         title="高端轴承卡脖子攻关", occurred_on=dt.date(2024, 2, 1))
    services.register_loan(fw.banker, fw.bank, loan_values(fw, product="卡脖子攻关贷", collateral="信用（无抵质押）",
                                                            amount="12000000"))
    body = client_for(fw.bea).get(f"/scifinance/chokepoint/{project.pk}/").content.decode()
    assert "高端轴承卡脖子攻关" in body and "12,000,000.00" in body and "威政发〔2023〕5号 第24条" in body
    assert client_for(fw.alice).get(f"/scifinance/chokepoint/{project.pk}/").status_code == 200
    assert client_for(fw.stranger).get(f"/scifinance/chokepoint/{project.pk}/").status_code == 404


def test_api_registers_a_loan_and_refuses_bad_input(fw):
    c = client_for(fw.banker)
    r = c.post("/api/scifinance/loans/", {**loan_values(fw, product="ip_pledge_loan", collateral="ip_pledge"),
                                          "schedule": [{"due_on": "2025-03-15", "principal": "5000000"}]},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["outstanding"] == "5000000.00"
    loan_id = r.json()["id"]
    r = c.post(f"/api/scifinance/loans/{loan_id}/repayments/", {"paid_on": "2024-05-01", "principal": "6000000"},
               content_type="application/json")
    assert r.status_code == 400 and "超过该笔贷款未还本金余额" in r.json()["principal"][0]
    r = c.post("/api/scifinance/loans/", loan_values(fw, contract_no="X", product="ip_pledge_loan",
                                                     collateral="ip_pledge",
                                                     contract_date=str(dt.date.today() + dt.timedelta(days=1))),
               content_type="application/json")
    assert r.status_code == 400 and "晚于今天" in r.json()["contract_date"][0]
    assert client_for(fw.stranger).get(f"/api/scifinance/loans/{loan_id}/").status_code == 404
    assert client_for(fw.alice).post("/api/scifinance/loans/", {}, content_type="application/json").status_code == 404


@pytest.mark.parametrize("path", ["/scifinance/loans/new/", "/scifinance/import/"])
def test_registration_pages_are_for_partner_accounts_only(fw, path):
    assert client_for(fw.alice).get(path).status_code == 404
    assert client_for(fw.banker).get(path).status_code == 200
