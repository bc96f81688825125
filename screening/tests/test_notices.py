"""Issue 13: notices link to what they are about, the navigation counts unread ones, sending to all is confirmed."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from registry.models import Organization
from screening import services
from screening.models import Notice
from screening.notices import NoticeInputError, notify


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_notify_helper_links_and_counts_unread(demo_city):
    org = User.objects.get(username="enterprise").organization
    bureau = User.objects.get(username="bureau")
    n = notify(org, "申报已受理", "您的申报已受理。", "/screening/mine/?year=2025", actor=bureau)
    assert n.link == "/screening/mine/?year=2025" and n.created_by == bureau
    with pytest.raises(NoticeInputError):
        notify(org, "外链", "x", "https://example.com/")
    c = client_for("enterprise")
    page = c.get("/screening/mine/").content.decode()
    assert 'class="badge"' in page and "1 条未读" in page  # unread count in the navigation
    notices = c.get("/screening/notices/").content.decode()
    assert f"/screening/notices/{n.pk}/open/" in notices and "查看详情" in notices
    resp = c.get(f"/screening/notices/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == "/screening/mine/?year=2025"
    n.refresh_from_db()
    assert n.is_read and 'class="badge"' not in c.get("/screening/mine/").content.decode()
    other = Organization.objects.exclude(pk=org.pk).filter(kind="enterprise").first()
    foreign = notify(other, "别家的通知", "x", "/screening/mine/")
    assert c.get(f"/screening/notices/{foreign.pk}/open/").status_code == 404


def test_sending_to_all_asks_for_confirmation(demo_city):
    bureau = User.objects.get(username="bureau")
    run = services.start_run(bureau, year=2024)
    c = client_for("bureau")
    first = c.post(f"/screening/runs/{run.pk}/notify/", {"all": "1"})
    assert first.status_code == 200 and "确认发送" in first.content.decode()
    assert Notice.objects.count() == 0  # nothing sent yet
    count = services.totals(run).entities
    assert f"<b>{count}</b> 家" in first.content.decode()
    c.post(f"/screening/runs/{run.pk}/notify/", {"all": "1", "confirmed": "1"})
    assert Notice.objects.count() == count
    assert set(Notice.objects.values_list("link", flat=True)) == {"/screening/mine/?year=2024"}


def test_all_notices_are_marked_read_at_once(demo_city):
    """Issue 24 item 5: 全部标为已读 — 17 unread notices in one action, and the navigation's count goes."""
    org = User.objects.get(username="enterprise").organization
    for i in range(17):
        notify(org, f"通知 {i}", "x", "/screening/mine/")
    c = client_for("enterprise")
    page = c.get("/screening/notices/").content.decode()
    assert "未读通知 17 条" in page and "全部标为已读" in page
    done = c.post("/screening/notices/", {"all": "1"}, follow=True).content.decode()
    assert "已将 17 条通知标为已读" in done and "全部标为已读" not in done
    assert not Notice.objects.filter(organization=org, read_at__isnull=True).exists()


def test_a_market_notice_opens_the_match_itself(demo_city):
    """Issue 24 item 5: 查看详情 opens the item, not a list (the technology market's notices had no link)."""
    from techmarket import services as market

    org = User.objects.get(username="enterprise").organization
    market._notify(org, "新的技术对接：测试", "x", None, "/techmarket/matches/7/")
    n = Notice.objects.get(organization=org, title="新的技术对接：测试")
    resp = client_for("enterprise").get(f"/screening/notices/{n.pk}/open/")
    assert resp["Location"] == "/techmarket/matches/7/"
