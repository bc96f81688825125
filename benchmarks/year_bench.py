"""Policy-year benchmark: bulk-passing claims and paying a batch in one action, and the clicks to open a year.

    createdb -h 127.0.0.1 -U postgres kc_year_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_year_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_year_bench .venv/bin/python benchmarks/year_bench.py --claims 1000

Builds ``--claims`` claims of ``--claims`` organisations at 形式审查 on a programme with a confirmed budget line, then
times ``funding.setup.bulk`` (what 批量通过 / 批量拨付 run: each claim through ``services.perform`` with its row
locks, history, audit, notice and ledger entry): 形式审查通过, 决定, 公示期满 and the payment batch. Prints figures;
asserts none.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

# the path a bureau user takes after login to open this year from last year's (each a click in the browser)
CLICKS_TO_OPEN_A_YEAR = [
    "导航「政策兑现」", "「申报与资金」", "「年度专项设立」", "「以上一年度为基础开设本年度」（上一年度的专项和预算已填好，金额可改）",
    "「开设 本年度专项」",
]
CLICKS_TO_CONFIRM = ["导航「政策兑现」", "「申报与资金」", "「预算科目确认」", "每个预算科目「确认预算」"]


def build(n: int) -> tuple[list[int], object, object]:
    from accounts.models import User
    from funding import services
    from funding.models import Claim
    from registry.models import Organization, Region

    stamp = int(time.time())
    bureau = User.objects.create_user(f"year-bureau-{stamp}", role="bureau")
    fin = User.objects.create_user(f"year-finance-{stamp}", role="finance")
    region = Region.objects.filter(kind="division").first()
    orgs = Organization.objects.bulk_create(
        [Organization(kind="enterprise", name=f"年度基准企业{stamp}-{i:05d}", region=region) for i in range(n)])
    programme = services.create_programme(bureau, f"年度基准专项{stamp}", 2026, "威政发〔2023〕5号",
                                          lines=[("基准科目", "city", "100000000000")], publicity_days=0)
    services.confirm_budget_line(fin, programme.budget_lines.get())
    claims = Claim.objects.bulk_create([Claim(
        programme=programme, organization=org, origin="redemption", provision_id=f"bench.year.{stamp}",
        title="年度基准奖补", document="威政发〔2023〕5号", article="第4条", year=2026, is_ceiling=False,
        entitled_amount=Decimal(10000), state="formal_check", bank_account="6222000011112222") for org in orgs])
    return [c.pk for c in claims], bureau, fin


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1000)
    args = parser.parse_args()
    django.setup()
    from django.db import connection

    from funding import setup

    ids, bureau, fin = build(args.claims)
    print(f"database: {connection.vendor}; {len(ids):,} claims at 形式审查")
    for label, user, action in (("批量通过 形式审查通过", bureau, "pass"), ("批量通过 决定（定额）", bureau, "pass"),
                                ("批量通过 公示期满", bureau, "pass"), ("批量拨付", fin, "pay")):
        t = time.perf_counter()
        results = [r for i in range(0, len(ids), setup.MAX_BULK)  # one action per page-full (批量 at most MAX_BULK)
                   for r in setup.bulk(user, ids[i:i + setup.MAX_BULK], action)]
        s = time.perf_counter() - t
        ok = sum(r.ok for r in results)
        failed = [r.message for r in results if not r.ok][:3]
        print(f"{label}: {len(ids):,} claims in {-(-len(ids) // setup.MAX_BULK)} actions, {s:,.1f} s = {len(ids) / s:,.0f} claims/s; "
              f"成功 {ok} 项、失败 {len(results) - ok} 项 {failed or ''}")
    print(f"clicks to open a year from last year's (after login): {len(CLICKS_TO_OPEN_A_YEAR)} — "
          + " → ".join(CLICKS_TO_OPEN_A_YEAR))
    print(f"finance's clicks to confirm: {len(CLICKS_TO_CONFIRM) - 1} + one per budget line")


if __name__ == "__main__":
    main()
