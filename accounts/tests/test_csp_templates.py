"""CSP (issue 12): ``script-src 'self' 'nonce-…'`` blocks inline scripts without the nonce and inline handlers.

Every project template (not .venv / node_modules) is read: an inline ``<script>`` (one without ``src``) must carry
``nonce="{{ request.csp_nonce }}"``; no tag may carry an ``on…=`` event handler; no link may use ``javascript:``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", ".git", "staticfiles"}
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.I)
NONCE = 'nonce="{{ request.csp_nonce }}"'


def project_templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.html") if not SKIP & set(p.relative_to(ROOT).parts))


def csp_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(ROOT)
    problems = []
    for m in SCRIPT.finditer(text):
        attrs = m.group(1)
        if "src=" not in attrs and NONCE not in attrs:
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{where}:{line}: inline <script> without {NONCE}")
    for m in HANDLER.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        problems.append(f"{where}:{line}: inline event handler (use a nonce'd script or a plain form)")
    if "javascript:" in text:
        problems.append(f"{where}: javascript: URL")
    return problems


def test_the_check_finds_what_the_browser_would_block(tmp_path):
    bad = ROOT / "accounts" / "tests" / "_csp_probe.html"
    bad.write_text('<script>alert(1)</script>\n<button onclick="x()">x</button>\n<a href="javascript:go()">g</a>\n'
                   f'<script {NONCE}>ok()</script><script src="/static/a.js"></script>', encoding="utf-8")
    try:
        assert len(csp_problems(bad)) == 3
    finally:
        bad.unlink()


def test_no_template_has_an_inline_script_without_nonce_or_an_inline_handler():
    templates = project_templates()
    assert len(templates) > 50  # the walk really found the project's templates
    problems = [p for t in templates for p in csp_problems(t)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_served_inline_scripts_carry_the_header_nonce(client):
    """The rendered nonce is the one in the Content-Security-Policy header (the what-if page has an inline script)."""
    from accounts.models import Role, User

    client.force_login(User.objects.create_user("csp-bureau", password="x-12345678", role=Role.BUREAU))
    response = client.get(reverse("screening:whatif"))
    assert response.status_code == 200
    header = response.get("Content-Security-Policy", "")
    nonces = re.findall(r"'nonce-([^']+)'", header)
    assert nonces, header
    inline = [m.group(1) for m in SCRIPT.finditer(response.content.decode()) if "src=" not in m.group(1)]
    assert inline
    assert all(f'nonce="{nonces[0]}"' in attrs for attrs in inline), inline
