"""Load under gunicorn (issue 12): N concurrent users on /screening/mine/ (enterprise accounts) and /registry/
(bureau), in production settings (DEBUG off), through real HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_security \
        .venv/bin/python benchmarks/load_bench.py --users 20 --requests 10 --workers 3 --threads 4

Migrates the database, builds the demo city if it is empty (--enterprises), starts gunicorn with
deploy/gunicorn.conf.py on a free local port, logs one session per user in (distinct enterprise accounts for
/screening/mine/), then lets every user request each page --requests times back to back. Prints p50, p95, mean,
throughput and errors (any answer other than 200) per page. Asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--requests", type=int, default=10)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--enterprises", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=1, help="1: one unmeasured round first (0: measure cold start)")
    args = ap.parse_args()
    port = _free_port()
    env = {**os.environ, "KECHUANG_DEBUG": "0", "KECHUANG_SECRET_KEY": secrets.token_urlsafe(64),
           "KECHUANG_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
           "KECHUANG_SSL_REDIRECT": "0", "KECHUANG_ALLOWED_HOSTS": "127.0.0.1", "KECHUANG_BIND": f"127.0.0.1:{port}",
           "KECHUANG_WEB_WORKERS": str(args.workers), "KECHUANG_WEB_THREADS": str(args.threads),
           "DJANGO_SETTINGS_MODULE": "kechuang.settings", "KECHUANG_HUEY": "immediate"}
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.models import Role, User
    from registry.models import Organization

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production serves the collected files
    if not Organization.objects.exists():
        call_command("generate_demo", enterprises=args.enterprises, verbosity=0)

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    orgs = list(Organization.objects.filter(kind="enterprise").order_by("id")[: args.users])
    entity_sessions = []
    for i, org in enumerate(orgs):
        user, _ = User.objects.get_or_create(username=f"load-ent-{i}", defaults={"role": Role.ENTERPRISE})
        user.organization, user.role = org, Role.ENTERPRISE
        user.save()
        entity_sessions.append(session_for(user))
    bureau = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("load-bureau", "", "x")
    bureau_session = session_for(bureau)

    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                               "kechuang.wsgi"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        from benchmarks.common import percentile

        cookie = settings.SESSION_COOKIE_NAME
        for path, sessions in (("/screening/mine/", entity_sessions), ("/registry/", [bureau_session] * args.users)):
            times: list[float] = []
            errors: list[int] = []
            lock = threading.Lock()

            def user(session: str, path: str = path, times: list = times, errors: list = errors,
                     lock: threading.Lock = lock, rounds: int = args.requests) -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                for _ in range(rounds):
                    t = time.perf_counter()
                    try:
                        conn.request("GET", path, headers={"Cookie": f"{cookie}={session}", "Host": "127.0.0.1"})
                        response = conn.getresponse()
                        response.read()
                        status = response.status
                    except Exception:
                        status = 0
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    with lock:
                        times.append(time.perf_counter() - t)
                        if status != 200:
                            errors.append(status)
                conn.close()

            if args.warmup:  # one unmeasured round: every gunicorn worker has loaded the policy engine
                warm = [threading.Thread(target=user, args=(s, path, [], [], threading.Lock(), 1))
                        for s in sessions[: args.users]]
                for t in warm:
                    t.start()
                for t in warm:
                    t.join()
            started = time.perf_counter()
            threads = [threading.Thread(target=user, args=(s,)) for s in sessions[: args.users]]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            print(f"{path}: {len(sessions[:args.users])} users × {args.requests} requests = {len(times)}; "
                  f"p50 {percentile(times, 50) * 1000:.0f} ms, p95 {percentile(times, 95) * 1000:.0f} ms, "
                  f"mean {sum(times) / len(times) * 1000:.0f} ms, {len(times) / wall:.1f} req/s, "
                  f"errors {len(errors)}{' ' + str(sorted(set(errors))) if errors else ''}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


if __name__ == "__main__":
    main()
