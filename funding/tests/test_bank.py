"""Bank return file: 成功 / 失败 / 退票 per payment, reversal of failed payments, re-issue, reconciliation.

Figures: 威政发〔2018〕20号 第7条 高企认定奖励 200,000 元 per organisation (A and B), paid on one budget line.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from funding import bank, services
from funding.models import BankReturnLine, LedgerEntry
from funding.services import FundingError
from funding.tests.conftest import FIXED, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


def _paid(w, user, org):
    claim = to_decision(w, submitted_claim(w, FIXED, user=user, org=org))
    services.perform(w.bea, claim.pk, "decide")
    services.perform(w.bea, claim.pk, "publicity_end")
    return services.perform(w.fin, claim.pk, "pay")


def _xlsx(rows, header=("付款参考号", "结果", "金额(元)", "说明")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, user, data, name="回单.xlsx"):
    client.force_login(user)
    return client.post("/funding/bank/", {"file": SimpleUploadedFile(name, data)}, follow=True).content.decode()


def test_return_file_reverses_failed_payment_reissue_and_reconcile(client, world):
    """第7条: A paid 200,000 (bank 成功), B paid 200,000 (bank 退票) → reversed, re-issued, confirmed."""
    a = _paid(world, world.alice, world.org_a)
    b = _paid(world, world.bob, world.org_b)
    ka, kb = f"pay:{a.pk}", f"pay:{b.pk}"
    page = (client.force_login(world.fin), client.get("/funding/bank/").content.decode())[1]
    assert 'id="ledger-paid">400,000.00' in page and 'id="bank-paid">0.00' in page and 'id="gap">400,000.00' in page
    # bad rows: nothing is imported, every problem named with its row
    html = _upload(client, world.fin, _xlsx([(ka, "成功", 200000, ""), (kb, "已到账?", 200000, ""),
                                             ("pay:99999", "成功", 5, ""), (ka, "失败", 200000, "")]))
    assert "第 3 行：结果「已到账?」无法识别" in html and "第 4 行：付款参考号 pay:99999 在资金台账中没有对应的拨付" in html
    assert "第 5 行：付款参考号 " in html and "在文件中重复" in html and not BankReturnLine.objects.exists()
    html = _upload(client, world.fin, _xlsx([(ka, "成功", 190000, "")]))
    assert "金额 190,000.00 元与台账拨付金额 200,000.00 元不符" in html
    assert "请上传 .xlsx 格式" in _upload(client, world.fin, b"not excel", "回单.csv")
    assert "不是有效的 Excel" in _upload(client, world.fin, b"not excel")
    assert "缺少「结果」列" in _upload(client, world.fin, _xlsx([(ka, 200000)], header=("付款参考号", "金额(元)")))
    # the good file
    good = _xlsx([(ka, "成功", 200000, ""), (kb, "退票", "200,000.00", "账号已销户")])
    html = _upload(client, world.fin, good)
    assert "成功 1 笔，失败/退票 1 笔" in html
    assert "已导入过，不能重复导入" in _upload(client, world.fin, good)
    b.refresh_from_db()
    assert b.state == "approved"
    rev = LedgerEntry.objects.get(kind="reversal", claim=b)
    assert (rev.amount, rev.paid_delta, rev.committed_delta) == (Decimal(200000), Decimal(-200000), Decimal(200000))
    assert services.money_received(world.org_b) == Decimal(0)
    page = client.get("/funding/bank/").content.decode()
    assert 'id="ledger-paid">200,000.00' in page and 'id="bank-paid">200,000.00' in page
    assert 'id="gap">0.00' in page and 'id="bank-failed">200,000.00' in page and "账号已销户" in page
    # the applicant sees the return in the history; re-issue after fixing the account
    client.force_login(world.bob)
    assert "银行退票" in client.get(f"/funding/claims/{b.pk}/").content.decode()
    client.force_login(world.alice)
    assert client.get("/funding/bank/").status_code == 404
    client.force_login(world.fin)
    page = client.get(f"/funding/claims/{b.pk}/").content.decode()
    assert f'value="pay:{b.pk}:r1"' in page
    services.perform(world.fin, b.pk, "pay", idempotency_key=f"pay:{b.pk}:r1")
    with pytest.raises(FundingError, match="不能重复拨付"):
        services.perform(world.fin, b.pk, "pay", idempotency_key=f"pay:{b.pk}:r2")
    page = client.get("/funding/bank/").content.decode()
    assert 'id="ledger-paid">400,000.00' in page and 'id="gap">200,000.00' in page
    unconfirmed = page.split('id="unconfirmed"')[1].split("</table>")[0]
    assert f'<a href="/funding/claims/{b.pk}/">{b.pk}</a>' in unconfirmed  # the claim number, not pay:N:r1
    _upload(client, world.fin, _xlsx([(f"pay:{b.pk}:r1", "成功", 200000, "")]))
    page = client.get("/funding/bank/").content.decode()
    assert 'id="bank-paid">400,000.00' in page and 'id="gap">0.00' in page
    assert services.money_received(world.org_b) == Decimal(200000)
    bal = services.line_balance(world.line)
    assert (bal.committed, bal.paid, bal.available) == (Decimal(0), Decimal(400000), Decimal(600000))


def test_only_finance_imports(client, world):
    for user in (world.alice, world.dora, world.ed):
        client.force_login(user)
        assert client.get("/funding/bank/").status_code == 404
        assert client.post("/funding/bank/", {}).status_code == 404
    with pytest.raises(FundingError, match="须由财政部门账户导入"):
        bank.import_return(world.bea, "回单.xlsx", _xlsx([("pay:1", "成功", 1, "")]))
    with pytest.raises(FundingError, match="须由财政部门账户导入"):
        bank.import_return(world.alice, "回单.xlsx", _xlsx([("pay:1", "成功", 1, "")]))


def test_cli_bank_return_and_reconcile(world, tmp_path):
    """第7条 200,000 元: the CLI imports the same file format and prints the reconciliation."""
    from django.core.management import call_command

    a = _paid(world, world.alice, world.org_a)
    path = tmp_path / "回单.xlsx"
    path.write_bytes(_xlsx([(f"pay:{a.pk}", "失败", 200000, "户名不符")]))
    out = io.StringIO()
    call_command("funding", "bank-return", "--file", str(path), "--user", "fin", stdout=out)
    call_command("funding", "reconcile", stdout=out)
    call_command("funding", "open-projects", stdout=out)
    text = out.getvalue()
    assert "成功 0 笔，失败/退票 1 笔" in text and "台账拨付 0.00 元，银行确认 0.00 元，差额 0.00 元；失败/退票 200,000.00 元" in text
    assert "未结题项目 0 项" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_return_files_over_two_lines_in_opposite_orders_both_land(world, monkeypatch):
    """File 1 reverses a payment on line 1, then one on line 2; file 2 one on line 2, then one on line 1, imported at
    the same moment and each paused after its first reversal. Both files land and every running sum equals the
    ledger (without one lock order, PostgreSQL would find a deadlock and refuse one file)."""
    import threading

    from conftest import in_parallel
    from funding import totals
    from funding.models import Claim
    from funding.services import _append

    line2 = services.add_budget_line(world.bea, world.programme, "平台建设补助", "city", "1000000")
    services.confirm_budget_line(world.fin, line2)
    payments = []
    for i, (org, line) in enumerate(((world.org_a, world.line), (world.org_b, line2), (world.org_b, line2),
                                     (world.org_a, world.line))):
        claim = Claim.objects.create(
            programme=world.programme, organization=org, origin="redemption", provision_id=FIXED, title="高企认定奖励",
            document="威政发〔2018〕20号", article="第7条", year=2024, event_key=f"e{i}", entitled_amount=Decimal(200000),
            state="paid", bank_account="6222000011112222")
        common = dict(budget_line=line, organization=org, claim=claim, amount=Decimal(50000), decision="市科技局决定",
                      document=claim.document, article=claim.article, provision_id=FIXED, year=2024,
                      created_by=world.fin, bank_account=claim.bank_account)
        _append(kind=LedgerEntry.Kind.COMMITMENT, committed_delta=Decimal(50000), paid_delta=Decimal(0),
                idempotency_key=f"commit:{claim.pk}", **common)
        payments.append(_append(kind=LedgerEntry.Kind.PAYMENT, committed_delta=Decimal(-50000),
                                paid_delta=Decimal(50000), idempotency_key=f"pay:{claim.pk}", **common))
    files = [_xlsx([(p.idempotency_key, "失败", 50000, "账号有误") for p in pair])
             for pair in ((payments[0], payments[1]), (payments[2], payments[3]))]
    paused = threading.Barrier(2, timeout=3)
    reverse, first = bank._reverse_failed, threading.local()

    def reverse_then_pause(*args, **kwargs):
        rev = reverse(*args, **kwargs)
        if not getattr(first, "done", False):
            first.done = True
            try:
                paused.wait()  # both files hold their first line here, unless one waits for the other's locks
            except threading.BrokenBarrierError:
                pass
        return rev

    monkeypatch.setattr(bank, "_reverse_failed", reverse_then_pause)

    def one(i: int) -> str:
        try:
            return str(len(bank.import_return(world.fin, f"回单{i}.xlsx", files[i]).reversed))
        except Exception as exc:  # noqa: BLE001 - the outcome is the assertion
            return exc.__class__.__name__

    assert in_parallel(2, one) == ["2", "2"]
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).count() == 4
    for line in (world.line, line2):
        balance = services.line_balance(line)
        assert (balance.committed, balance.paid) == (Decimal(100000), Decimal(0))
    assert not totals.check().differences
