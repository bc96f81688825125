"""Bank return file: 成功 / 失败 / 退票 per payment, reversal of failed payments, re-issue, reconciliation.

Figures: 威政发〔2018〕20号 第7条 高企认定奖励 200,000 元 per organisation (A and B), paid on one budget line.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
