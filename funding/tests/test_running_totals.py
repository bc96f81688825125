"""Running sums (budget line, organisation and year) that the pages read instead of adding up the ledger, and the
``funding check-totals`` command that compares them with the ledger.

Figures: 威政发〔2018〕20号 第7条 高企认定奖励 200,000 元 per organisation (A and B) on one 1,000,000 元 line;
B's payment comes back from the bank (退票) and is reversed; A has 50,000 元 clawed back.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook

from conftest import in_parallel
from funding import services
from funding.models import Claim, LedgerEntry, OrgTotals
from funding.tests.conftest import CEILING, FIXED, PDF, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


def _paid(w, user, org) -> Claim:
    claim = to_decision(w, submitted_claim(w, FIXED, user=user, org=org))
    services.perform(w.bea, claim.pk, "decide")
    services.perform(w.bea, claim.pk, "publicity_end")
    return services.perform(w.fin, claim.pk, "pay")


def _figures(client, w) -> dict[str, str]:
    """What the pages show: 我的申报's money received for A and B, the programme's and its line's figures."""
    out = {}
    for who, user in (("a", w.alice), ("b", w.bob)):
        client.force_login(user)
        out[who] = re.search(r'id="received">([^<]+)<', client.get("/funding/mine/").content.decode()).group(1)
    client.force_login(w.fin)
    page = client.get("/funding/programmes/").content.decode()
    out["programme"] = re.search(r"预算 <b>([^<]+)</b> 元，已安排未拨付 ([^ ]+) 元，已拨付 ([^ ]+) 元，可用 <b>([^<]+)</b>",
                                 page).groups()
    out["line"] = re.search(r"<td>企业研发奖补</td><td>市级</td>((?:<td class=\"num\">[^<]+</td>){4})", page).group(1)
    out["line"] = tuple(re.findall(r">([^<]+)<", out["line"]))
    return out


def _check() -> tuple[bool, str]:
    buf = io.StringIO()
    try:
        call_command("funding", "check-totals", stdout=buf)
    except CommandError as exc:
        return False, buf.getvalue() + str(exc)
    return True, buf.getvalue()


def _return_file(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["付款参考号", "结果", "金额(元)", "说明"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_pages_show_the_running_sums_after_payments_bank_return_and_clawback(client, world):
    """第7条: A and B decided 200,000 each (committed 400,000), both paid; B's payment 退票 → reversed (back to
    committed); 50,000 clawed back from A. Every page figure equals the ledger's sum and the check finds nothing."""
    a, b = (to_decision(world, submitted_claim(world, FIXED, user=u, org=o))
            for u, o in ((world.alice, world.org_a), (world.bob, world.org_b)))
    for c in (a, b):
        services.perform(world.bea, c.pk, "decide")
    f = _figures(client, world)
    assert (f["a"], f["b"]) == ("0.00", "0.00")
    assert f["programme"] == ("1,000,000.00", "400,000.00", "0.00", "600,000.00")
    assert f["line"] == ("1,000,000.00", "400,000.00", "0.00", "600,000.00")
    for c in (a, b):
        services.perform(world.bea, c.pk, "publicity_end")
        services.perform(world.fin, c.pk, "pay")
    f = _figures(client, world)
    assert (f["a"], f["b"]) == ("200,000.00", "200,000.00")
    assert f["programme"] == ("1,000,000.00", "0.00", "400,000.00", "600,000.00")
    client.force_login(world.fin)
    html = client.post("/funding/bank/", {"file": SimpleUploadedFile("回单.xlsx", _return_file(
        [(f"pay:{a.pk}", "成功", 200000, ""), (f"pay:{b.pk}", "退票", 200000, "账号已销户")]))},
        follow=True).content.decode()
    assert "成功 1 笔，失败/退票 1 笔" in html
    services.clawback(world.fin, a, "50000", "绩效评价不合格")
    f = _figures(client, world)
    assert (f["a"], f["b"]) == ("150,000.00", "0.00")
    assert f["programme"] == ("1,000,000.00", "200,000.00", "150,000.00", "650,000.00")
    assert f["line"] == ("1,000,000.00", "200,000.00", "150,000.00", "650,000.00")
    assert services.line_balance(world.line) == services.reconcile(world.line)[0]
    assert (OrgTotals.objects.get(organization=world.org_b, year=2024).committed,
            OrgTotals.objects.get(organization=world.org_b, year=2024).paid) == (Decimal(200000), Decimal(0))
    ok, out = _check()
    assert ok and "核对预算科目 1 个、单位年度累计数 2 个，差异 0 处" in out
    buf = io.StringIO()
    call_command("funding", "balances", stdout=buf)
    assert "  企业研发奖补：预算 1,000,000.00 元，已安排 200,000.00 元，已拨付 150,000.00 元，可用 650,000.00 元" \
        in buf.getvalue()


def test_check_reports_an_entry_written_around_the_running_sums_and_fails(world):
    """An entry of 30,000 written straight into the table (not through ``_append``): the line and A's 2024 sums
    differ from the ledger by it; the command lists both and exits non-zero."""
    a = _paid(world, world.alice, world.org_a)
    LedgerEntry.objects.create(kind="clawback", budget_line=world.line, organization=world.org_a, claim=a,
                               amount=Decimal(30000), committed_delta=0, paid_delta=Decimal(-30000), decision="绕过",
                               document="威政发〔2018〕20号", article="第7条", provision_id=FIXED, year=2024,
                               idempotency_key="around")
    ok, out = _check()
    assert not ok
    assert "差异：预算科目「企业研发奖补」" in out and "分录合计 已安排 0.00 / 已拨付 170,000.00 元，" \
        "累计数 已安排 0.00 / 已拨付 200,000.00 元" in out
    assert f"差异：甲科技有限公司（单位 #{world.org_a.pk}）2024 年度" in out and "差异 2 处" in out


def test_migration_fills_the_sums_from_existing_entries(world):
    """Entries written before the sums existed: the migration's statements give every organisation and year, and
    every line without one, the sums of its entries."""
    import importlib

    _paid(world, world.alice, world.org_a)
    _paid(world, world.bob, world.org_b)
    migration = importlib.import_module("funding.migrations.0015_org_totals_running_sums").Migration
    OrgTotals.objects.all().delete()
    world.line.totals.delete()
    assert not _check()[0]
    with connection.cursor() as cur:
        for op in migration.operations[1:]:
            cur.execute(op.sql)
    assert services.money_received(world.org_a) == services.money_received(world.org_b) == Decimal(200000)
    assert _check()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_and_payments_keep_every_sum(world):
    """威政发〔2023〕5号 第4条: 40 decisions of 10,000 元 at once (20 for A, 20 for B, neither with a sum yet), then
    the 40 payments at once: the line and each organisation's sums equal the ledger's, nothing lost."""
    claims = []
    for org in (world.org_a, world.org_b):
        for i in range(20):
            claim = Claim.objects.create(
                programme=world.programme, organization=org, origin="redemption", provision_id=CEILING,
                title="新型研发机构绩效优秀补助", document="威政发〔2023〕5号", article="第4条", year=2024,
                event_key=f"e{i}", is_ceiling=True, entitled_amount=Decimal(500000), state="decision",
                bank_account="6222000011112222", publicity_ends_on=None)
            claim.attachments.create(label="证明材料", filename="a.pdf", content_type="application/pdf",
                                     size=len(PDF), sha256=f"{org.pk}-{i}".rjust(64, "0"), data=PDF)
            claims.append(claim.pk)
    from funding.models import CapCounter

    for org in (world.org_a, world.org_b):
        CapCounter.objects.update_or_create(organization=org, provision_id=CEILING, year=2024,
                                            defaults={"cap": Decimal(500000)})
    assert not OrgTotals.objects.exists()

    def decide(i: int) -> str:
        services.perform(world.bea, claims[i], "decide", amount="10000")
        return "ok"

    assert in_parallel(40, decide) == ["ok"] * 40
    assert services.programme_totals(world.programme).committed == Decimal(400000)
    Claim.objects.filter(pk__in=claims).update(publicity_ends_on=None)
    for pk in claims:
        services.perform(world.bea, pk, "publicity_end")

    def pay(i: int) -> str:
        services.perform(world.fin, claims[i], "pay")
        return "ok"

    assert in_parallel(40, pay) == ["ok"] * 40
    totals = services.programme_totals(world.programme)
    assert (totals.committed, totals.paid, totals.available) == (Decimal(0), Decimal(400000), Decimal(600000))
    assert services.money_received(world.org_a) == services.money_received(world.org_b) == Decimal(200000)
    assert LedgerEntry.objects.count() == 80
    ok, out = _check()
    assert ok, out


def test_mine_shows_a_long_list_twenty_a_page_newest_first_and_all_money_received(client, world):
    """An enterprise with 25 claims (the oldest paid 200,000): page 1 shows the newest 20 and says 共 25 项, page 2
    the oldest 5; money received is the whole 200,000 on both pages."""
    paid = _paid(world, world.alice, world.org_a)
    Claim.objects.bulk_create([Claim(
        programme=world.programme, organization=world.org_a, origin="redemption", provision_id=CEILING,
        title=f"第{i:02d}项", document="威政发〔2023〕5号", article="第4条", year=2024, event_key=f"k{i}",
        is_ceiling=True, entitled_amount=Decimal(500000)) for i in range(24)])
    client.force_login(world.alice)
    first = client.get("/funding/mine/").content.decode()
    second = client.get("/funding/mine/?page=2").content.decode()
    assert first.count("data-claim=") == 20 and second.count("data-claim=") == 5
    assert "共 25 项申报，每页 20 项" in first and "第 1 / 2 页" in first and "第 2 / 2 页" in second
    assert "第23项" in first and "第04项" in first and "第03项" in second and f'data-claim="{paid.pk}"' in second
    for html in (first, second):
        assert 'id="received">200,000.00</b> 元' in html


def test_bulk_demo_payments_move_the_sums_too(world):
    """The evaluation demo's bulk writer (``funding.demo.record_paid_claims``): A paid 300,000 in 2023 and 200,000 in
    2024 on top of a paid 第7条 claim of 200,000; money received 700,000 and the check finds nothing."""
    from funding.demo import record_paid_claims

    _paid(world, world.alice, world.org_a)
    assert record_paid_claims(FIXED, "新认定高新技术企业奖励", "威政发〔2018〕20号", "第7条",
                              [(world.org_a.pk, 2023, Decimal(300000)), (world.org_a.pk, 2024, Decimal(200000))]) == 2
    assert services.money_received(world.org_a) == Decimal(700000)
    assert OrgTotals.objects.get(organization=world.org_a, year=2024).paid == Decimal(400000)
    assert _check()[0]
