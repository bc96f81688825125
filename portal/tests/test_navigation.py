"""Issue 26 items 17, 22 and 28, issue 24 item 7: the navigation each role gets — grouped so that the bureau's fits
one row at 1366 px, one menu button on a phone, the API documentation for staff only, and the public 公示 and policy
pages reachable by an anonymous visitor."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Role, User
from portal.tests.conftest import assert_accessible, assert_no_horizontal_scroll, login


def _nav(client: Client) -> str:
    html = client.get("/", follow=True).content.decode()
    return re.search(r'<nav id="mainnav".*?</nav>', html, re.S).group(0)


@pytest.mark.django_db
def test_each_role_sees_its_own_navigation():
    User.objects.create_user("b", password="x", role=Role.BUREAU)
    User.objects.create_user("e", password="x", role=Role.ENTERPRISE)
    User.objects.create_user("x", password="x", role=Role.EXPERT)
    anonymous = _nav(Client())
    assert 'href="/funding/publicity/"' in anonymous and ">公示<" in anonymous
    assert 'href="/portal/catalogue/"' in anonymous
    assert 'href="/policy/"' not in anonymous, "the staff catalogue is not for anonymous visitors"
    home = Client().get("/").content.decode()
    assert "查看当前公示" in home and Client().get("/funding/publicity/").status_code == 200
    for username in ("e", "x"):
        c = Client()
        c.login(username=username, password="x")
        nav = _nav(c)
        assert "/api/docs/" not in nav, f"{username}: the API documentation is for staff and developers"
    c = Client()
    c.login(username="b", password="x")
    nav = _nav(c)
    assert "/api/docs/" in nav
    # the bureau's sixteen links sit in six groups or links at the top level
    top = re.findall(r"<summary>([^<]+)</summary>", nav)
    assert top == ["创新主体", "政策兑现", "平台服务", "政策", "更多"]
    for href in ("/registry/", "/screening/whatif/", "/funding/queue/", "/experts/", "/indicators/", "/vouchers/"):
        assert f'href="{href}"' in nav


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_header_is_one_row_on_desktop_and_a_menu_on_a_phone(sized_page):
    User.objects.create_user("bureau", password="demo12345", role=Role.BUREAU, first_name="市科技局 张三")
    page = sized_page
    login(page, "bureau")
    header = page.locator("header.topbar")
    height = header.bounding_box()["height"]
    assert height <= 60, f"the header takes {height}px at {page.width}px"
    if page.width < 800:
        assert not page.locator("#mainnav").is_visible()
        page.click(".menu-toggle")
        assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    page.click("summary:has-text('政策兑现')")
    page.click("#mainnav a:has-text('申报与资金')")
    page.wait_for_url(re.compile(r"/funding/queue/"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
