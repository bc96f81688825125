"""Production-safe defaults (issue 12): DEBUG off, secret key required, check --deploy clean, friendly pages, CSP,
login throttling, password validators with Chinese messages, rate-limited anonymous endpoints, /healthz."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PROD_KEY = "k" * 20 + "Q7w!x9Zr-2Lm_8Np#4Ts^6Vb&1Yc*3Hd(5Jf)0Gh"
FIELD_KEY = "cHJvZC10ZXN0LWZpZWxkLWtleS0zMi1ieXRlcy0hISE="


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KECHUANG_", "PYTEST", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True,
                          text=True, timeout=120)


def test_debug_is_off_by_default():
    assert settings.DEBUG is False


def test_refuses_to_start_without_a_secret_key(tmp_path):
    done = _manage("check", KECHUANG_VAR_DIR=str(tmp_path))
    assert done.returncode != 0
    assert "KECHUANG_SECRET_KEY 未设置" in done.stderr


def test_refuses_to_start_without_field_keys(tmp_path):
    done = _manage("check", KECHUANG_VAR_DIR=str(tmp_path), KECHUANG_SECRET_KEY=PROD_KEY)
    assert done.returncode != 0
    assert "KECHUANG_FIELD_KEYS 未设置" in done.stderr


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    done = _manage("check", "--deploy", "--fail-level", "WARNING", KECHUANG_VAR_DIR=str(tmp_path),
                   KECHUANG_SECRET_KEY=PROD_KEY, KECHUANG_FIELD_KEYS=FIELD_KEY,
                   KECHUANG_ALLOWED_HOSTS="kechuang.example.org")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.django_db
def test_friendly_chinese_404_and_500_pages(client):
    page = client.get("/registry/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()
    assert "Traceback" not in page.content.decode()
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "系统出错了" in response.content.decode()


@pytest.mark.django_db
def test_csp_header_and_nonce_on_chart_pages(parties):
    c = Client()
    c.force_login(parties.users["bureau"])
    page = c.get(f"/registry/{parties.district_org.pk}/")
    policy = page["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.content.decode()
    docs = c.get("/api/docs/")
    assert docs.status_code == 200 and "<script>" not in docs.content.decode()  # Swagger UI: no inline script


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_login_is_throttled_after_five_wrong_passwords(parties):
    """Issue 12: 30 wrong passwords, then the right one, used to log in."""
    c = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(30):
        c.post("/login/", {"username": "enterprise", "password": "wrong-password"})
    response = c.post("/login/", {"username": "enterprise", "password": "demo12345"})
    assert response.status_code in (403, 429)
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in c.session


@pytest.mark.parametrize("password,fragment", [("password", "太常见"), ("12345678", "只包含数字"),
                                               ("abc", "太短")])
def test_weak_passwords_are_refused_in_chinese(password, fragment):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_password(password)
    assert any(fragment in m for m in info.value.messages), info.value.messages


@pytest.mark.django_db
@override_settings(ANON_RATE="3/m")
def test_anonymous_endpoints_are_rate_limited():
    c = Client(REMOTE_ADDR="10.9.9.9")
    answers = [c.post("/api/screening/calculator/", {}, content_type="application/json").status_code
               for _ in range(5)]
    assert answers[:3] == [400, 400, 400] and answers[-1] == 429
    logins = [c.post("/login/", {"username": "x", "password": "y"}).status_code for _ in range(5)]
    assert logins[-1] == 429


@pytest.mark.django_db
def test_healthz_checks_database_and_queue(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}
