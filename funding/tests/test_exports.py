"""Issue 26 item 25 (the notice says what actually happened), item 9 (exports in local time, said in the header) and
issue 24 item 6 (the payment batch carries the bank return's reference and comes back as the bank return)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from funding import documents, services
from funding.models import BankReturnLine, Claim, LedgerEntry
from funding.tests.conftest import CEILING, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


def _approved(w, provision=None, amount=None):
    claim = to_decision(w, submitted_claim(w, *([provision] if provision else [])))
    services.perform(w.bea, claim.pk, "decide", amount=amount)
    return services.perform(w.bea, claim.pk, "publicity_end")


def _pdf_text(client, user, claim) -> str:
    client.force_login(user)
    pdf = client.get(f"/funding/claims/{claim.pk}/notice.pdf").content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def test_notice_names_only_the_steps_that_ran(client, world):
    fixed = _approved(world)  # A 第7条 fixed: no 评审
    services.perform(world.fin, fixed.pk, "pay")
    text = _pdf_text(client, world.alice, fixed)
    assert "经区市初审、形式审查、市科技局决定、公示，贵单位申报的" in text and "评审" not in text
    ceiling = to_decision(world, submitted_claim(world, CEILING))  # B 第4条 择优: reviewed
    services.perform(world.bea, ceiling.pk, "decide", amount="300000")
    text = _pdf_text(client, world.alice, ceiling)
    assert "经区市初审、形式审查、专家评审、市科技局决定，贵单位" in text and "正在公示" in text
    proactive = Claim.objects.create(programme=world.programme, organization=world.org_b, origin="proactive",
                                     provision_id="A.07.hte_reward", title="新认定高企奖励", document="威政发〔2018〕20号",
                                     article="第7条", year=2024, entitled_amount=200000, state="awaiting_confirmation",
                                     bank_account="6222000011113333")
    services.perform(world.bob, proactive.pk, "confirm")
    services.perform(world.ed, proactive.pk, "district_pass")
    services.perform(world.bea, proactive.pk, "formal_pass")
    services.perform(world.bea, proactive.pk, "decide")
    lines = documents.notice_lines(Claim.objects.get(pk=proactive.pk))
    assert lines[1].startswith("经免申即享筛查、贵单位确认、区市初审、形式审查、市科技局决定，")


def test_ledger_excel_in_local_time_says_so(client, world):
    claim = _approved(world)
    services.perform(world.fin, claim.pk, "pay")
    at = dt.datetime(2024, 12, 6, 3, 51, tzinfo=dt.UTC)  # 11:51 in Weihai
    entries = list(  # the ledger refuses UPDATE: the time is set on the rows handed to the writer
        LedgerEntry.objects.select_related("budget_line__programme", "organization"))
    for e in entries:
        e.created_at = at
    ws = load_workbook(io.BytesIO(documents.ledger_xlsx(entries))).active
    assert ws["B1"].value == "记账时间（北京时间）"
    assert ws["B2"].value == "2024-12-06 11:51"
    client.force_login(world.fin)
    ws = load_workbook(io.BytesIO(client.get("/funding/ledger.xlsx").content)).active
    shown = timezone.localtime(LedgerEntry.objects.first().created_at).strftime("%Y-%m-%d %H:%M")
    assert ws["B2"].value == shown


def test_payment_batch_comes_back_as_the_bank_return(client, world):
    a = _approved(world)
    client.force_login(world.fin)
    ws = load_workbook(io.BytesIO(client.get("/funding/payments/batch.xlsx").content)).active
    header = [c.value for c in ws[1]]
    assert header[-3:] == ["付款参考号", "结果", "说明"]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["付款参考号"] == f"pay:{a.pk}" and row["申报编号"] == a.pk and row["结果"] is None
    client.post(f"/funding/claims/{a.pk}/act/", {"transition": "pay", "idempotency_key": row["付款参考号"]})
    ws.cell(2, header.index("结果") + 1, "成功")
    buf = io.BytesIO()
    ws.parent.save(buf)
    page = client.post("/funding/bank/", {"file": SimpleUploadedFile("拨付批次-回单.xlsx", buf.getvalue())},
                       follow=True).content.decode()
    assert "已导入银行回单：成功 1 笔" in page
    assert BankReturnLine.objects.get().entry.claim_id == a.pk


def test_bank_return_keyed_by_claim_number(client, world):
    claim = _approved(world)
    services.perform(world.fin, claim.pk, "pay")
    wb = Workbook()
    wb.active.append(["申报编号", "结果", "金额(元)", "说明"])
    wb.active.append([claim.pk, "退票", 200000, "户名不符"])
    wb.active.append([999999, "成功", 1, ""])
    buf = io.BytesIO()
    wb.save(buf)
    client.force_login(world.fin)
    page = client.post("/funding/bank/", {"file": SimpleUploadedFile("回单.xlsx", buf.getvalue())},
                       follow=True).content.decode()
    assert "第 3 行：申报编号 999999 没有已拨付、未冲销的付款" in page
    wb.active.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    page = client.post("/funding/bank/", {"file": SimpleUploadedFile("回单2.xlsx", buf.getvalue())},
                       follow=True).content.decode()
    assert "失败/退票 1 笔" in page
    claim.refresh_from_db()
    assert claim.state == "approved"
