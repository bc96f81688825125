"""Experts as people with accounts (issue 24 item 4): invitation and first password, assignment or replacement by
hand with a reason, a round that closes only with its reviews or a recorded reason."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from core.models import AuditEvent
from experts import services
from experts.models import Assignment, Expert, Notice, ReviewRound
from experts.tests.conftest import PASSWORD


def _client(world, key: str) -> Client:
    c = Client()
    c.login(username=world.users[key].username, password=PASSWORD)
    return c


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def published(world, make_round):
    rnd = make_round()
    services.solve_round(rnd)
    return services.transition(rnd, "publish", None)


def test_imported_expert_gets_a_login_by_invitation_and_sets_a_password(world):
    expert = world.experts["motor2"]  # imported: no account yet
    staff = _client(world, "bureau")
    page = _text(staff.get(f"/experts/{expert.pk}/"))
    assert "未开通" in page and "邀请开通账户" in page
    page = _text(staff.post(f"/experts/{expert.pk}/", {"action": "invite"}, follow=True))
    expert.refresh_from_db()
    username = expert.user.username
    assert f"已邀请，专家尚未设置密码（用户名 {username}）" in page and "邀请链接" in page
    listing = _text(staff.get("/experts/", {"q": expert.name}))
    assert "已邀请" in listing.split('<tbody>')[1]
    link = re.search(r'value="http://testserver(/experts/invitation/\?u=[^"]+)"', page).group(1)
    assert AuditEvent.objects.filter(action="experts.invite", object_id=str(expert.pk)).exists()
    assert not Client().login(username=username, password="")  # no password until the expert sets one

    anon = Client()
    page = _text(anon.get(link))
    assert expert.name in page and username in page and "设置密码并进入" in page
    r = anon.post(link, {"new_password1": "Weihai-2026-zj", "new_password2": "Weihai-2026-xx"})
    assert r.status_code == 400 and "输入的两个密码不一致" in _text(r)
    r = anon.post(link, {"new_password1": "Weihai-2026-zj", "new_password2": "Weihai-2026-zj"}, follow=True)
    assert r.request["PATH_INFO"] == "/experts/reviews/" and f"您的用户名是 {username}" in _text(r)
    assert Client().login(username=username, password="Weihai-2026-zj")
    r = Client().get(link)  # used once: the token no longer matches
    assert r.status_code == 404 and "邀请链接无效或已使用" in _text(r)
    assert f"已开通（用户名 {username}）" in _text(staff.get(f"/experts/{expert.pk}/"))
    assert "邀请开通账户" not in _text(staff.get(f"/experts/{world.experts['carbon1'].pk}/"))  # has an account
    listing = _text(staff.get("/experts/", {"q": expert.name}))
    assert "已开通" in listing.split('<tbody>')[1]


def test_staff_replace_a_reviewer_by_hand_with_a_reason(world, published):
    staff = _client(world, "bureau")
    a = Assignment.objects.filter(round=published, item__title__contains="永磁电机").order_by("id").first()
    item = a.item
    url = f"/experts/rounds/{published.pk}/items/{item.pk}/"
    page = _text(staff.get(url))
    assert "人工指定或更换评审专家" in page and f"更换 {a.expert.name}" in page
    live = set(Assignment.objects.filter(item=item).exclude(status="withdrawn").values_list("expert_id", flat=True))
    pick = next(e for e in services.manual_candidates(item))
    assert pick.expert.pk not in live
    r = staff.post(url, {"form": "manual", "expert": pick.expert.pk, "replace": a.pk, "reason": ""})
    form = _text(r).split('id="manual-form"')[1].split("</form>")[0]
    assert r.status_code == 400 and "请写明指定或更换专家的理由" in form
    # a conflicted expert is not offered, and refused by the service
    conflicted = item.conflicts.first().expert if item.conflicts.exists() else None
    if conflicted:
        assert f'value="{conflicted.pk}"' not in page.split('id="manual-form"')[1]
        with pytest.raises(services.ReviewError, match="存在回避关系"):
            services.assign_by_hand(world.users["bureau"], item, conflicted, "试一试")
    page = _text(staff.post(url, {"form": "manual", "expert": pick.expert.pk, "replace": a.pk,
                                  "reason": "原专家出差，改由同领域专家评审"}, follow=True))
    assert f"已更换为 {pick.expert.name}" in page
    assert "人工指定：原专家出差，改由同领域专家评审" in page
    assert "市科技局更换：原专家出差，改由同领域专家评审" in page  # the replaced reviewer's row says why
    a.refresh_from_db()
    assert a.status == "withdrawn"
    assert Notice.objects.filter(expert=pick.expert, round=published, kind="assigned").exists()
    ev = AuditEvent.objects.get(action="experts.assign.manual")
    assert ev.data["reason"] == "原专家出差，改由同领域专家评审" and pick.expert.name in ev.summary
    rnd_page = _text(staff.get(f"/experts/rounds/{published.pk}/"))
    assert f"{pick.expert.name}（" in rnd_page and "人工指定：原专家出差" in rnd_page
    # reviewers who cannot log in are named, with the way to invite them
    without = {a.expert.name for a in Assignment.objects.filter(round=published).exclude(status="withdrawn")
               if a.expert.user_id is None}
    assert without  # the motor experts of the test world have no account
    note = rnd_page.split('id="no-login"')[1].split("</p>")[0]
    assert f"{len(without)} 位评审专家尚未开通平台账户" in note and all(name in note for name in without)


def test_round_closes_only_with_every_review_or_a_recorded_reason(world, published):
    staff = _client(world, "bureau")
    url = f"/experts/rounds/{published.pk}/"
    page = _text(staff.get(url))
    assert "3 个项目未收齐评审意见" in page and "0/2 份" in page and "提前结束理由" in page
    page = _text(staff.post(url + "close/", follow=True))
    assert "还有 3 个项目未收齐评审意见" in page and "【提前结束理由】" in page
    assert ReviewRound.objects.get(pk=published.pk).status == "published"
    page = _text(staff.post(url + "close/", {"reason": "两位专家因病无法评审，经局务会同意按已收意见结束"}, follow=True))
    assert "评审批次已结束评审" in page and "提前结束理由：两位专家因病无法评审" in page
    assert ReviewRound.objects.get(pk=published.pk).status == "closed"
    assert AuditEvent.objects.get(action="experts.round.close").data["reason"].startswith("两位专家因病")


def test_round_with_every_review_closes_without_a_reason(world, make_round):
    rnd = make_round(items=[{"title": "永磁电机控制", "keywords": "永磁电机、电机控制", "chain": "electric_motors",
                             "applicant": world.orgs["e3"]}], reviewers_per_item=1)
    services.solve_round(rnd)
    services.transition(rnd, "publish", None)
    a = Assignment.objects.get(round=rnd)
    user = a.expert.user
    if user is None:
        from accounts.models import Role, User

        user = User.objects.create_user("t_motor", password=PASSWORD, role=Role.EXPERT)
        Expert.objects.filter(pk=a.expert_id).update(user=user)
    services.submit_review(user, a, {"创新性": "30", "可行性": "50"}, "方案可行，建议支持。")
    rnd = services.transition(rnd, "close", world.users["bureau"])
    assert rnd.status == "closed" and rnd.close_reason == ""
