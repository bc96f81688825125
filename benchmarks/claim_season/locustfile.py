"""Claim season (issue 28 item 1): what enterprises, staff and the public do on the platform while a programme is
open, as locust users. Driven by ``benchmarks/claim_season/run.py`` (which builds the data and the accounts); by
hand: ``locust -f benchmarks/claim_season/locustfile.py --host http://127.0.0.1:8000`` with accounts
``load-ent-N`` and ``load-staff-N`` (password in ``CLAIM_SEASON_PASSWORD``).

- ``Enterprise``: signs in once, then opens 我能享受的政策 and 我的申报, and now and then claims an entitlement (申报
  from the page) and uploads its evidence (a PDF);
- ``Staff``: signs in once, lists the 区县审核 queue and passes up to five claims at once (批量通过);
- ``Public``: the policy calculator without an account (page and a computation).

Each pauses 5–15 s between actions, as a person does. ``MineOnly`` opens 我能享受的政策 back to back (throughput).
"""

from __future__ import annotations

import itertools
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("CLAIM_SEASON_PASSWORD", "load-12345")
ENTERPRISES = int(os.environ.get("CLAIM_SEASON_ENTERPRISES", "1000"))  # accounts load-ent-0 … made by run.py
STAFF = int(os.environ.get("CLAIM_SEASON_STAFF", "50"))
#: seconds after the last sign-in before the figures start counting, how many seconds they count, and where the
#: sign-in figures of the ramp are written (the run's driver reads them)
SETTLE = float(os.environ.get("CLAIM_SEASON_SETTLE", "0"))
SIGNIN_FILE = os.environ.get("CLAIM_SEASON_SIGNIN_FILE", "")
MEASURE = float(os.environ.get("CLAIM_SEASON_MEASURE", "0"))  # 0: no reset, locust's own -t decides
_signing, _signed_in = [0], [0]  # users that started signing in, and those done
_ent = itertools.count()
_staff = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLAIMABLE = re.compile(r'name="provision_id" value="([^"]+)"><input type="hidden" name="year" value="(\d+)"')
CLAIM_URL = re.compile(r"/funding/claims/(\d+)/")
QUEUE_IDS = re.compile(r'name="ids" value="(\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: As behind nginx with TLS (deploy/nginx): the proxy's header, so production settings (secure cookies, CSRF's
#: referer check) hold while locust speaks plain HTTP to gunicorn.
HTTPS = {"X-Forwarded-Proto": "https"}


class _BehindTls(DefaultCookiePolicy):
    """Secure cookies go back over the plain connection to gunicorn (nginx would have ended TLS before it)."""

    def return_ok_secure(self, cookie, request) -> bool:  # noqa: ANN001 - http.cookiejar's signature
        return True


class _User(FastHttpUser):
    abstract = True
    default_headers = HTTPS

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(_BehindTls())

    def referer(self, path: str) -> dict[str, str]:
        return {"Referer": f"https://{self.host.split('://', 1)[1]}{path}"}


class _Signed(_User):
    abstract = True
    wait_time = between(5, 15)

    def page(self, path: str, name: str) -> None:
        """A signed-in page: sent to the sign-in form (the session lost) is an error, not a fast answer."""
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200 or "/login/" in (r.url or ""):
                r.failure(f"{r.status_code}: {r.url}")

    def csrf(self, path: str, name: str) -> tuple[str, str]:
        with self.client.get(path, name=name, catch_response=True) as r:
            text = r.text or ""
            found = CSRF.search(text)
            if r.status_code != 200 or not found or "/login/" in (r.url or "") and "/login/" not in path:
                r.failure(f"{r.status_code}: no form")
                return "", text
            return found.group(1), text

    def login(self, username: str) -> None:
        super().on_start()
        _signing[0] += 1
        token, _ = self.csrf("/login/", "/login/ (page)")
        with self.client.post("/login/", data={"csrfmiddlewaretoken": token, "username": username,
                                               "password": PASSWORD},
                              headers=self.referer("/login/"), name="/login/ (sign in)", catch_response=True) as r:
            if r.status_code != 200 or "/login/" in (r.url or ""):
                r.failure(f"{r.status_code}: not signed in")
        _signed_in[0] += 1


class Enterprise(_Signed):
    weight = 16

    def on_start(self) -> None:
        self.login(f"load-ent-{next(_ent) % ENTERPRISES}")

    @task(4)
    def mine(self) -> None:
        self.page("/screening/mine/", "/screening/mine/ 我能享受的政策")

    @task(2)
    def claims(self) -> None:
        self.page("/funding/mine/", "/funding/mine/ 我的申报")

    @task(1)
    def claim_with_upload(self) -> None:
        token, text = self.csrf("/screening/mine/", "/screening/mine/ 我能享受的政策")
        offers = CLAIMABLE.findall(text)
        if not token or not offers:
            return
        provision, year = random.choice(offers)
        referer = self.referer("/screening/mine/")
        with self.client.post("/funding/new/", data={"csrfmiddlewaretoken": token, "provision_id": provision,
                                                     "year": year}, headers=referer, name="/funding/new/ 申报",
                              catch_response=True) as r:
            found = CLAIM_URL.search(r.url or "") or CLAIM_URL.search(r.text or "")
            if r.status_code != 200:
                r.failure(str(r.status_code))
                return
            if not found:  # the programme of that year is not open: the page says so; nothing to upload
                return
        pk = found.group(1)
        token, _ = self.csrf(f"/funding/claims/{pk}/", "/funding/claims/[id]/ 申报详情")
        boundary = "----claimseason" + str(random.randrange(10**9))
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="label"\r\n\r\n证明材料\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="evidence.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
        self.client.post(f"/funding/claims/{pk}/attach/", data=body, name="/funding/claims/[id]/attach/ 上传材料",
                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                  **self.referer(f"/funding/claims/{pk}/")})


class Staff(_Signed):
    weight = 1

    def on_start(self) -> None:
        self.login(f"load-staff-{next(_staff) % STAFF}")

    @task(3)
    def queue(self) -> None:
        self.page("/funding/queue/?state=district_check", "/funding/queue/ 待办列表")

    @task(1)
    def bulk_pass(self) -> None:
        token, text = self.csrf("/funding/queue/?state=district_check", "/funding/queue/ 待办列表")
        ids = QUEUE_IDS.findall(text)
        if not token or not ids:
            return
        self.client.post("/funding/bulk/", data={"csrfmiddlewaretoken": token, "action": "pass",
                                                 "ids": random.sample(ids, min(5, len(ids)))},
                         headers=self.referer("/funding/queue/"), name="/funding/bulk/ 批量通过")


class Public(_User):
    weight = 3
    wait_time = between(5, 15)

    @task(1)
    def page(self) -> None:
        self.client.get("/screening/calculator/", name="/screening/calculator/ 政策计算器")

    @task(1)
    def compute(self) -> None:
        r = self.client.get("/screening/calculator/", name="/screening/calculator/ 政策计算器")
        found = CSRF.search(r.text or "")
        self.client.post("/screening/calculator/", data={
            "csrfmiddlewaretoken": found.group(1) if found else "", "year": 2025, "kind": "enterprise",
            "region": "371002", "newly_certified": "high_tech_enterprise", "certified_on": "2025-11-10",
            "sales_revenue": str(random.randrange(1_000_000, 50_000_000))},
            headers=self.referer("/screening/calculator/"), name="/screening/calculator/ 计算")


class MineOnly(_Signed):
    """我能享受的政策 back to back, no pause (throughput)."""

    weight = 1
    wait_time = constant(0)

    def on_start(self) -> None:
        self.login(f"load-ent-{next(_ent) % ENTERPRISES}")

    @task
    def mine(self) -> None:
        self.page("/screening/mine/", "/screening/mine/ 我能享受的政策")


@events.spawning_complete.add_listener
def _measure_from_now_on(user_count: int, **_kw) -> None:
    """Once every user has started and signed in (and SETTLE seconds more), keep the sign-in figures of the ramp,
    count everything else from then on (the steady state at ``user_count`` users) and stop MEASURE seconds later."""
    if not MEASURE:
        return

    def later() -> None:
        runner = _runner[0]
        waited = 0.0
        while _signed_in[0] < _signing[0] and waited < 1200:
            gevent.sleep(1)
            waited += 1
        gevent.sleep(SETTLE)
        if SIGNIN_FILE:
            with open(SIGNIN_FILE, "w", encoding="utf-8") as f:
                for (name, method), entry in runner.stats.entries.items():
                    if "login" in name:
                        f.write(f"{method} {name}\t{entry.num_requests}\t{entry.num_failures}\t"
                                f"{entry.get_response_time_percentile(0.5):.0f}\t"
                                f"{entry.get_response_time_percentile(0.95):.0f}\t"
                                f"{entry.get_response_time_percentile(0.99):.0f}\n")
        runner.stats.reset_all()
        gevent.sleep(MEASURE)
        runner.quit()

    gevent.spawn(later)


_runner: list = []


@events.init.add_listener
def _keep_runner(environment, **_kw) -> None:  # noqa: ANN001 - locust's signature
    _runner.append(environment.runner)
