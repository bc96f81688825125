"""Policy impact evaluation benchmark (issue 29): one provision over a 1M-enterprise city and five years of facts,
run as a background job on the huey queue, target ≤ 60 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_eval_bench \
        .venv/bin/python benchmarks/evaluation_1m.py --enterprises 1000000

The demo city is generated once (seed 7, facts 2020–2025; skipped when the database already holds it), then B 第9条
is planted once (firms paid under it raise next year's R&D by 8 %; 60 % of eligible firms claim). Then an evaluation
of B 第9条, qualifying years 2023–2024 (the panel it reads: 2021–2025, five years), is queued on a SqliteHuey queue
file and computed by a ``manage.py run_huey`` worker started here (a separate process, as in production); the figure
is the wall time from queueing to the result being stored, beside the job's own step times (read, regression
discontinuity, difference-in-differences). Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
os.environ.setdefault("KECHUANG_DEBUG", "1")
QUEUE_DIR = Path(tempfile.mkdtemp(prefix="kc-eval-bench-"))
os.environ["KECHUANG_HUEY"] = "sqlite"
os.environ["KECHUANG_VAR_DIR"] = str(QUEUE_DIR)  # the queue file only; the database is DATABASE_URL

from benchmarks.common import ensure_demo_city  # noqa: E402

PROVISION = "B.09.rd_growth_subsidy"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--year-from", type=int, default=2023)
    parser.add_argument("--year-to", type=int, default=2024)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from evaluation.demo import plant
    from evaluation.models import EvaluationRun
    from evaluation.services import start_run
    from funding.money import paid_by_provision

    print(f"database: {connection.vendor}, queue file under {QUEUE_DIR}")
    ensure_demo_city(args.enterprises, first_year=2020)
    if not paid_by_provision(PROVISION, range(args.year_from, args.year_to + 1)):
        t = time.perf_counter()
        p = plant(PROVISION, effect=0.08, years=range(args.year_from, args.year_to + 1), seed=11)
        print(f"planted: {p.paid_by_year} paid, {p.amount:,.0f} yuan, {p.facts_changed:,} facts changed "
              f"in {time.perf_counter() - t:,.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
    from accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-bureau", defaults={"role": "bureau"})
    worker = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "run_huey", "--workers", "1"],
                              cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(3)  # the worker's start-up
        t0 = time.perf_counter()
        run = start_run(user, PROVISION, "rd_expense", args.year_from, args.year_to)
        while run.status in (EvaluationRun.Status.QUEUED, EvaluationRun.Status.RUNNING):
            if time.perf_counter() - t0 > args.timeout:
                print(f"timed out after {args.timeout} s at {run.progress}% ({run.stage})")
                return
            time.sleep(0.5)
            run.refresh_from_db()
        wall = time.perf_counter() - t0
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    if run.status != EvaluationRun.Status.DONE:
        print(f"failed: {run.error}")
        return
    r = run.result
    print(f"evaluation #{run.pk} of {PROVISION} {args.year_from}–{args.year_to}: panel "
          f"{r['panel_size']['enterprises']:,} enterprises × years {r['panel_size']['years']}")
    print(f"queued → stored: {wall:,.1f} s (target ≤ 60 s); job compute {run.compute_seconds:,.1f} s; "
          f"steps {r['timings']}")
    load = os.getloadavg()
    print(f"load average at the end (1, 5, 15 min): {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} on {os.cpu_count()} cores")
    print(f"paid firms {r['paid_firms']:,}; comparison {r['comparison']['label']} {r['comparison']['matched']:,}")
    for key in ("rd", "did"):
        e = r[key]
        extra = {k: v for k, v in e["details"].items() if k in ("n_left", "n_right", "bandwidth", "trimmed_to",
                                                                "pretrend_p", "treated", "comparison", "design")}
        print(f"{key}: estimate {e['estimate']} CI [{e['ci_low']}, {e['ci_high']}] {e['reason']} {extra}")
        print(f"    {e['sentence']}")
    print("planted log(1.08) = 0.0770")


if __name__ == "__main__":
    main()
