"""Issue 24 item 5 and issue 26's acceptance in a real Chromium: every role signs in onto 我的待办, follows an item to
its page, and the landing page passes axe-core at phone (390 px) and desktop (1366 px) widths."""

from __future__ import annotations

import re

import pytest

from funding.tests.conftest import submitted_claim, world  # noqa: F401
from portal.tests.conftest import assert_accessible, assert_no_horizontal_scroll, login, sized_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_lands_on_its_work(sized_page, world):  # noqa: F811
    claim = submitted_claim(world)
    page = sized_page
    for username, group in (("dora", "待区市初审的申报"), ("fin", None), ("alice", None), ("bea", None)):
        page.context.clear_cookies()
        login(page, username, "pw-12345")
        assert page.url.endswith("/todo/"), f"{username} landed on {page.url}"
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        if group:
            assert group in page.inner_text("main")
            page.click(f"main a[href='/funding/claims/{claim.pk}/']")
            page.wait_for_url(re.compile(rf"/funding/claims/{claim.pk}/$"))
