"""Bulk work on claims at an office's scale: bulk-passing 1,000 claims and paying a 1,000-line batch.

    createdb -h 127.0.0.1 -U postgres kc_year
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_year KECHUANG_DEBUG=1 .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_year KECHUANG_DEBUG=1 .venv/bin/python benchmarks/funding_bulk.py

Builds ``--claims`` claims (one per organisation) at 区市初审 on a 政策兑现 programme with a confirmed budget line and
no 公示 days, then runs exactly what the pages run:

* 批量通过 (the work queue's button, ``funding.setup.bulk(..., "pass")``) once per step: 区市初审 → 形式审查 → 决定 →
  公示期满, each page-full of at most ``setup.MAX_BULK`` claims one action;
* the payment batch: 导出待拨付批次 (``documents.payment_batch_xlsx``), 批量拨付 (``setup.bulk(..., "pay")``), the same
  file with 结果 filled in imported as the bank return (``funding.bank.import_return``).

Each claim goes through ``services.perform`` with its row locks, history, audit, notice and ledger entry. Prints
figures; asserts none. The figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")


def build(n: int) -> tuple[list[int], object, object, object]:
    from accounts.models import User
    from funding import services
    from funding.models import Claim
    from registry.models import Organization, Region

    stamp = int(time.time())
    region = Region.objects.filter(kind="division").first()
    bureau = User.objects.create_user(f"bulk-bureau-{stamp}", role="bureau")
    district = User.objects.create_user(f"bulk-district-{stamp}", role="district", region=region)
    fin = User.objects.create_user(f"bulk-finance-{stamp}", role="finance")
    orgs = Organization.objects.bulk_create(
        [Organization(kind="enterprise", name=f"批量基准企业{stamp}-{i:05d}", region=region) for i in range(n)])
    programme = services.create_programme(bureau, f"批量基准专项{stamp}", 2026, "威政发〔2023〕5号",
                                          lines=[("基准科目", "city", "100000000000")], publicity_days=0)
    services.confirm_budget_line(fin, programme.budget_lines.get())
    claims = Claim.objects.bulk_create([Claim(
        programme=programme, organization=org, origin="redemption", provision_id=f"bench.bulk.{stamp}",
        title="批量基准奖补", document="威政发〔2023〕5号", article="第4条", year=2026, is_ceiling=False,
        entitled_amount=Decimal(10000), state="district_check", bank_name="威海市商业银行",
        bank_account="6222000011112222") for org in orgs])
    return [c.pk for c in claims], bureau, district, fin


def _bulk(user: object, ids: list[int], action: str) -> tuple[float, int, list[str]]:
    from funding import setup

    t = time.perf_counter()
    results = [r for i in range(0, len(ids), setup.MAX_BULK) for r in setup.bulk(user, ids[i:i + setup.MAX_BULK], action)]
    return time.perf_counter() - t, sum(r.ok for r in results), [r.message for r in results if not r.ok][:3]


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1000)
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from openpyxl import load_workbook

    from funding import bank, documents, services, setup

    ids, bureau, district, fin = build(args.claims)
    n = len(ids)
    actions = -(-n // setup.MAX_BULK)
    print(f"database: {connection.vendor}; {n:,} claims at 区市初审; at most {setup.MAX_BULK} claims per action")
    for label, user in (("区市初审通过", district), ("形式审查通过", bureau), ("决定（定额）", bureau),
                        ("公示期满", bureau)):
        s, ok, failed = _bulk(user, ids, "pass")
        print(f"批量通过 {label}: {n:,} claims in {actions} actions, {s:,.1f} s = {n / s:,.0f} claims/s; "
              f"成功 {ok}、失败 {n - ok} {failed or ''}")

    t = time.perf_counter()
    claims = services.queue(fin, "approved").filter(pk__in=ids).select_related("budget_line", "organization")
    batch = documents.payment_batch_xlsx(claims)
    export_s = time.perf_counter() - t
    s, ok, failed = _bulk(fin, ids, "pay")
    print(f"导出待拨付批次: {n:,} lines in {export_s:,.1f} s")
    print(f"批量拨付: {n:,} lines in {actions} actions, {s:,.1f} s = {n / s:,.0f} lines/s; 成功 {ok}、失败 {n - ok} "
          f"{failed or ''}")

    wb = load_workbook(io.BytesIO(batch))
    ws = wb.worksheets[0]
    result_col = [c.value for c in ws[1]].index("结果") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=result_col, value="成功")
    out = io.BytesIO()
    wb.save(out)
    t = time.perf_counter()
    imported = bank.import_return(fin, f"bank-return-{int(time.time())}.xlsx", out.getvalue())
    s = time.perf_counter() - t
    print(f"银行回单（拨付批次填写结果后导入）: {n:,} lines in {s:,.1f} s = {n / s:,.0f} lines/s; 成功 {imported.paid} 笔")
    paid = services.programme_totals(services.queue(fin, "paid").filter(pk=ids[0]).get().programme).paid
    print(f"programme paid: {services.money(paid)} 元")


if __name__ == "__main__":
    main()
