"""Claim season on one machine (issue 28 item 1): gunicorn + PostgreSQL + Redis (queue and cache) + a huey worker,
driven by locust (``locustfile.py`` here) headless; prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_claim REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python benchmarks/claim_season/run.py --enterprises 100000 --steps 100,200,300,500,700

1. Migrates; builds the demo city if the database is empty (``registry.demo.generate``: COPY, minutes at 100,000
   enterprises) and the funding demo (programmes, claims at every step); makes ``--accounts`` enterprise accounts
   ``load-ent-N`` (each its own organisation) and ``--staff`` bureau accounts ``load-staff-N``, one password hash
   for all; keeps every organisation's results for the two years the entity page shows (``manage.py
   keep_entitlements``, timed).
2. Starts gunicorn (deploy/gunicorn.conf.py, production settings, DEBUG off) and one ``manage.py run_huey`` worker
   with ``KECHUANG_HUEY=redis`` and ``KECHUANG_CACHE=redis`` on ``REDIS_URL``; the anonymous rate limit is raised
   (``KECHUANG_ANON_RATE``, default here 100000/m) since every simulated member of the public comes from 127.0.0.1.
3. After an unmeasured warm-up (each gunicorn worker loads the engine), the mix (enterprises 16 : public 3 : staff 1,
   each pausing 5–15 s) at each user count of ``--steps``: the users start ``--spawn-rate`` a second and sign in
   (one PBKDF2 hash each, by design the costliest request; their figures are printed as the ramp's), and
   ``--settle`` seconds after the last sign-in the figures are reset and ``--step-seconds`` are measured; stops
   after the first count whose p95 of any page (requested at least ``--min-requests`` times in the step) is above
   300 ms or that has any error;
   prints p50/p95/p99 per page and the highest count that held.
4. 我能享受的政策 alone, back to back, ``--mine-users`` users for ``--mine-seconds``: requests/s and p95.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
PASSWORD = "load-12345"
LIMIT_MS = 300
#: the development key of kechuang/settings.py, with which ``manage.py generate_demo`` (KECHUANG_DEBUG=1) encrypts
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5ldmVyLWluLXByb2Q="


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, User
    from registry.models import AnnualFacts, Organization
    from screening.services import kept

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Organization.objects.exists():
        t = time.perf_counter()
        call_command("generate_demo", enterprises=args.enterprises, verbosity=0)
        print(f"demo city: {args.enterprises:,} enterprises in {time.perf_counter() - t:,.0f} s", flush=True)
    if not User.objects.filter(username="finance").exists() or not _has_programmes():
        t = time.perf_counter()
        call_command("funding", "demo", "--if-empty", verbosity=0)
        print(f"funding demo in {time.perf_counter() - t:,.0f} s", flush=True)
    have = Organization.objects.filter(kind="enterprise").count()
    print(f"registry: {have:,} enterprises, {Organization.objects.count():,} organisations", flush=True)
    pw = make_password(PASSWORD)
    orgs = list(Organization.objects.filter(kind="enterprise").order_by("id").values_list("id", flat=True)[
        :args.accounts])
    User.objects.filter(username__startswith="load-").delete()
    User.objects.bulk_create([User(username=f"load-ent-{i}", password=pw, role=Role.ENTERPRISE, organization_id=o)
                              for i, o in enumerate(orgs)], batch_size=5000)
    User.objects.bulk_create([User(username=f"load-staff-{i}", password=pw, role=Role.BUREAU, is_staff=True)
                              for i in range(args.staff)])
    this_year = timezone.localdate().year
    latest = AnnualFacts.objects.filter(year__lte=this_year).order_by("-year").values_list("year", flat=True).first()
    t = time.perf_counter()
    added = sum(kept.keep(y) for y in (latest, latest - 1))
    written = kept.refresh()
    print(f"kept results: {added:,} rows added, {written:,} computed in {time.perf_counter() - t:,.1f} s "
          f"(years {latest - 1}–{latest})", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _has_programmes() -> bool:
    from django.apps import apps

    return apps.get_model("funding", "Programme").objects.exists()


def locust(args: argparse.Namespace, port: int, users: int, seconds: int, classes: list[str], prefix: str,
           env: dict) -> list[dict]:
    # the locustfile counts from the moment every user has signed in (plus --settle) and stops `seconds` later;
    # -t is only a cap
    cmd = [args.locust, "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users), "-r",
           str(args.spawn_rate), "-t", f"{1500 + seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", prefix,
           "--only-summary", "--stop-timeout", "20", *classes]
    subprocess.run(cmd, env={**env, "CLAIM_SEASON_PASSWORD": PASSWORD, "CLAIM_SEASON_ENTERPRISES": str(args.accounts),
                             "CLAIM_SEASON_STAFF": str(args.staff), "CLAIM_SEASON_SETTLE": str(args.settle),
                             "CLAIM_SEASON_SIGNIN_FILE": f"{prefix}_signin.tsv", "CLAIM_SEASON_MEASURE": str(seconds),},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    signin = Path(f"{prefix}_signin.tsv")
    if signin.exists():
        for line in signin.read_text(encoding="utf-8").splitlines():
            name, n, failed, p50, p95, p99 = line.split("\t")
            print(f"  ramp: {name}: {n} sign-ins, {failed} errors, p50 {p50} ms, p95 {p95} ms, p99 {p99} ms")
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def show(rows: list[dict], seconds: int, min_requests: int = 1) -> tuple[int, int]:
    """Prints the pages' figures; returns (worst p95 of the pages other than signing in that were requested at
    least ``min_requests`` times — below that a p95 is one request's time —, errors)."""
    worst, errors = 0, 0
    print(f"  {'page':<44} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6}")
    for r in rows:
        if r["Name"] == "Aggregated":
            continue
        p95, n_err = int(float(r["95%"])) if r["95%"].replace(".", "").isdigit() else 0, int(r["Failure Count"])
        errors += n_err
        if "login" not in r["Name"] and int(r["Request Count"]) >= min_requests:
            worst = max(worst, p95)
        print(f"  {r['Type'] + ' ' + r['Name']:<44} {int(r['Request Count']):>8} {n_err:>6} {r['50%']:>6} "
              f"{r['95%']:>6} {r['99%']:>6} {int(r['Request Count']) / seconds:>6.1f}")
    return worst, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--accounts", type=int, default=2000, help="enterprise accounts, one organisation each")
    ap.add_argument("--staff", type=int, default=50)
    ap.add_argument("--steps", default="100,200,300,500,700,1000")
    ap.add_argument("--step-seconds", type=int, default=120, help="measured, after the ramp")
    ap.add_argument("--spawn-rate", type=float, default=5)
    ap.add_argument("--settle", type=int, default=10, help="seconds after the last sign-in before measuring")
    ap.add_argument("--min-requests", type=int, default=20,
                    help="a page requested fewer times in a step is printed but not judged (its p95 is one request)")
    ap.add_argument("--mine-users", type=int, default=20)
    ap.add_argument("--mine-seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--locust", default=str(Path(sys.executable).parent / "locust"))
    ap.add_argument("--anon-rate", default="100000/m")
    ap.add_argument("--out", default="/tmp/claim_season")
    ap.add_argument("--skip-mix", action="store_true")
    ap.add_argument("--skip-prepare", action="store_true", help="the database, accounts and kept results are ready")
    args = ap.parse_args()
    port = _free_port()
    env = {**os.environ, "KECHUANG_DEBUG": "0", "KECHUANG_SECRET_KEY": secrets.token_urlsafe(64),
           # the key the demo's bank accounts were encrypted with, kept across runs (a benchmark database only)
           "KECHUANG_FIELD_KEYS": os.environ.get("KECHUANG_FIELD_KEYS", DEV_FIELD_KEY),
           "KECHUANG_SSL_REDIRECT": "0", "KECHUANG_ALLOWED_HOSTS": "127.0.0.1", "KECHUANG_BIND": f"127.0.0.1:{port}",
           "KECHUANG_WEB_WORKERS": str(args.workers), "KECHUANG_WEB_THREADS": str(args.threads),
           "DJANGO_SETTINGS_MODULE": "kechuang.settings", "KECHUANG_HUEY": "redis", "KECHUANG_CACHE": "redis",
           "KECHUANG_ANON_RATE": args.anon_rate, "KECHUANG_LOGIN_FAILURES": "1000000"}
    os.environ.update(env)
    if args.skip_prepare:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)  # this checkout's manifest, for gunicorn
    else:
        prepare(args)
    os.makedirs(args.out, exist_ok=True)
    bin_ = Path(sys.executable).parent
    log = open(f"{args.out}/server.log", "w")  # noqa: SIM115 - open while the servers run
    procs = [subprocess.Popen([str(bin_ / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "kechuang.wsgi"], cwd=ROOT,
                              env={**env, "KECHUANG_LOG_LEVEL": "ERROR"}, stdout=log, stderr=log,
                              start_new_session=True),
             subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "1"], cwd=ROOT, env=env,
                              stdout=log, stderr=log, start_new_session=True)]
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        # unmeasured: every gunicorn worker loads the policy engine (the calculator) and the pages once
        locust(args, port, 12, 30, ["Enterprise", "Staff", "Public"], f"{args.out}/warmup", env)
        held = 0
        if not args.skip_mix:
            for users in [int(x) for x in args.steps.split(",")]:
                print(f"mix, {users} users (enterprises 16 : public 3 : staff 1, 5–15 s pauses), "
                      f"{args.step_seconds} s, spawn {args.spawn_rate}/s:", flush=True)
                rows = locust(args, port, users, args.step_seconds, ["Enterprise", "Staff", "Public"],
                              f"{args.out}/mix_{users}", env)
                worst, errors = show(rows, args.step_seconds, args.min_requests)
                if worst > LIMIT_MS or errors:
                    print(f"  → over: worst p95 {worst} ms, {errors} errors", flush=True)
                    break
                held = users
            print(f"highest user count with every page's p95 ≤ {LIMIT_MS} ms and no errors: {held}", flush=True)
        print(f"我能享受的政策 alone, {args.mine_users} users back to back, {args.mine_seconds} s:", flush=True)
        rows = locust(args, port, args.mine_users, args.mine_seconds, ["MineOnly"], f"{args.out}/mine", env)
        show(rows, args.mine_seconds)
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
