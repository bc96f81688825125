"""Pages, exports and the API: figures users see, and every view with another party's ids (404)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from funding import services
from funding.tests.conftest import CEILING, PDF, submitted_claim, to_decision

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _paid(w):
    claim = to_decision(w, submitted_claim(w))
    services.perform(w.bea, claim.pk, "decide")
    services.perform(w.bea, claim.pk, "publicity_end")
    return services.perform(w.fin, claim.pk, "pay")


CLAIM_URLS = ["/funding/claims/{pk}/", "/funding/claims/{pk}/notice.pdf", "/funding/claims/{pk}/attachments/{att}/"]
CLAIM_POSTS = ["/funding/claims/{pk}/edit/", "/funding/claims/{pk}/attach/", "/funding/claims/{pk}/act/"]


def test_other_parties_get_404_on_every_claim_view_and_api(client, world):
    claim = _paid(world)
    att = claim.attachments.get().pk
    for user in (world.bob, world.ed):
        c = _client(client, user)
        for url in CLAIM_URLS:
            assert c.get(url.format(pk=claim.pk, att=att)).status_code == 404, (user, url)
        for url in CLAIM_POSTS:
            assert c.post(url.format(pk=claim.pk), {"transition": "withdraw"}).status_code == 404, (user, url)
        assert c.get(f"/api/funding/claims/{claim.pk}/").status_code == 404
        assert c.post(f"/api/funding/claims/{claim.pk}/transition/", {"transition": "withdraw"}).status_code == 404
        assert claim.pk not in [x["id"] for x in c.get("/api/funding/claims/").json()]
    for user in (world.alice, world.dora, world.bea, world.fin):
        assert _client(client, user).get(f"/funding/claims/{claim.pk}/").status_code == 200


def test_claim_page_with_system_events_and_objection(client, world):
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    services.file_objection(claim.pk, "王五", "", "金额有误")  # an event without an actor
    html = _client(client, world.bea).get(f"/funding/claims/{claim.pk}/").content.decode()
    assert "系统" in html and "金额有误" in html and "待处理" in html


def test_entity_accounts_cannot_open_staff_pages(client, world):
    c = _client(client, world.alice)
    for url in ("/funding/queue/", "/funding/programmes/", "/funding/payments/", "/funding/payments/batch.xlsx",
                "/funding/ledger.xlsx"):
        assert c.get(url).status_code == 404, url
    assert c.get("/api/funding/ledger/").status_code == 403


def test_anonymous_goes_to_login_except_publicity(client, world):
    assert client.get("/funding/mine/").status_code == 302
    assert client.get("/funding/publicity/").status_code == 200


def test_mine_shows_state_next_step_and_money_received(client, world):
    _paid(world)
    submitted_claim(world, CEILING)
    html = _client(client, world.alice).get("/funding/mine/").content.decode()
    assert "已收到资金 <b id=\"received\">200,000.00</b> 元" in html
    assert "已拨付" in html and "审核中" in html and "区市科技部门" in html
    assert "区市初审" not in html  # internal stage names stay internal


def test_district_queue_only_its_region(client, world):
    a = submitted_claim(world)
    b = submitted_claim(world, user=world.bob, org=world.org_b)
    html = _client(client, world.dora).get("/funding/queue/?state=district_check").content.decode()
    assert f'href="/funding/claims/{a.pk}/"' in html and f'href="/funding/claims/{b.pk}/"' not in html


def test_payment_batch_and_ledger_excel_figures(client, world):
    """威政发〔2018〕20号 第7条 200,000 元: the batch names payee, USCC, account, amount and basis."""
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    services.perform(world.bea, claim.pk, "publicity_end")
    c = _client(client, world.fin)
    ws = load_workbook(io.BytesIO(c.get("/funding/payments/batch.xlsx").content)).active
    header = [x.value for x in ws[1]]
    row = dict(zip(header, [x.value for x in ws[2]], strict=True))
    assert row["收款单位"] == "甲科技有限公司" and row["统一社会信用代码"] == world.org_a.uscc
    assert row["银行账号"] == "6222000011112222" and row["金额(元)"] == 200000
    assert row["政策依据"] == "威政发〔2018〕20号 第7条"
    c.post(f"/funding/claims/{claim.pk}/act/", {"transition": "pay", "idempotency_key": f"pay:{claim.pk}"})
    c.post(f"/funding/claims/{claim.pk}/act/", {"transition": "pay", "idempotency_key": f"pay:{claim.pk}"})
    ws = load_workbook(io.BytesIO(c.get("/funding/ledger.xlsx").content)).active
    kinds = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert kinds == ["承诺（立项/决定）", "拨付"]  # the double click paid once
    html = c.get("/funding/payments/").content.decode()
    assert "200,000.00" in html and "威政发〔2018〕20号 第7条" in html


def test_pdfs_embed_the_chinese_font(client, world):
    claim = _paid(world)
    pdf = _client(client, world.alice).get(f"/funding/claims/{claim.pk}/notice.pdf").content
    assert pdf.startswith(b"%PDF") and b"WenQuanYi" in pdf
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "资金拨付通知" in text and "200,000.00" in text
    assert "威海市科学技术局" in text and reader.metadata.author == "科创 · 威海市科技创新政策平台"  # the jurisdiction's
    claim2 = to_decision(world, submitted_claim(world, CEILING))
    services.perform(world.bea, claim2.pk, "decide", amount="300000")
    pub = client.get("/funding/publicity.pdf").content
    assert "300,000.00" in PdfReader(io.BytesIO(pub)).pages[0].extract_text()


def test_the_notice_is_signed_by_the_jurisdictions_authority(world, settings):
    """Another city's notice names its own authority and platform (policy/tests/fictional_city), not Weihai's."""
    from pypdf import PdfReader

    from funding.documents import claim_notice_pdf

    claim = _paid(world)
    settings.POLICY_JURISDICTION = "policy.tests.fictional_city"
    reader = PdfReader(io.BytesIO(claim_notice_pdf(claim)))
    text = reader.pages[0].extract_text()
    assert "明湖市科技创新局" in text and "威海" not in text
    assert reader.metadata.author == "科创 · 明湖市科技服务平台"


def test_upload_of_a_fake_pdf_shows_the_reason(client, world):
    claim, _ = services.create_claim_from_entitlement(world.alice, world.org_a, CEILING, 2024)
    c = _client(client, world.alice)
    r = c.post(f"/funding/claims/{claim.pk}/attach/",
               {"label": "证明材料", "file": SimpleUploadedFile("fake.pdf", b"GIF89a....")}, follow=True)
    assert "不是 PDF 格式（与扩展名不符）" in r.content.decode()
    r = c.post(f"/funding/claims/{claim.pk}/attach/",
               {"label": "证明材料", "file": SimpleUploadedFile("ok.pdf", PDF)}, follow=True)
    assert "已上传：ok.pdf" in r.content.decode() and claim.attachments.count() == 1


def test_decision_above_ceiling_on_the_page(client, world):
    claim = to_decision(world, submitted_claim(world, CEILING))
    r = _client(client, world.bea).post(f"/funding/claims/{claim.pk}/act/",
                                        {"transition": "decide", "amount": "600000"}, follow=True)
    assert "超过威政发〔2023〕5号 第4条的上限 500,000.00 元" in r.content.decode()


def test_screening_page_has_apply_button_and_creates_claim(client, world):
    c = _client(client, world.alice)
    html = c.get("/screening/mine/?year=2024").content.decode()
    assert ">申报</button>" in html
    r = c.post("/funding/new/", {"provision_id": CEILING, "year": "2024"})
    assert r.status_code == 302 and "/funding/claims/" in r["Location"]


def test_api_transition_and_error_body(client, world):
    claim = to_decision(world, submitted_claim(world, CEILING))
    c = _client(client, world.bea)
    r = c.post(f"/api/funding/claims/{claim.pk}/transition/", {"transition": "decide", "amount": "900000"},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "amount"
    r = c.post(f"/api/funding/claims/{claim.pk}/transition/", {"transition": "decide", "amount": "250000"},
               content_type="application/json")
    assert r.json()["state"] == "publicity" and r.json()["decided_amount"] == "250000.00"
    line = c.get("/api/funding/programmes/").json()[0]["budget_lines"][0]
    assert line["committed"] == "250000.00" and line["available"] == "750000.00"
    schema = c.get("/api/schema/").content.decode()
    assert "/api/funding/claims/{id}/transition/" in schema


def test_public_objection_form(client, world):
    claim = to_decision(world, submitted_claim(world))
    services.perform(world.bea, claim.pk, "decide")
    html = client.get("/funding/publicity/").content.decode()
    assert "甲科技有限公司" in html and "200,000.00" in html
    client.force_login(world.bob)
    r = client.post("/funding/publicity/", {"claim": claim.pk, "filed_by": "", "text": ""}, follow=True)
    assert "请填写异议人姓名和异议内容" in r.content.decode()
    client.post("/funding/publicity/", {"claim": claim.pk, "filed_by": "李四", "text": "数据不实"})
    assert claim.objections.count() == 1


def test_proactive_form_on_the_queue_page(client, world):
    from screening.models import ScreeningResult, ScreeningRun

    run = ScreeningRun.objects.create(year=2024, status="done")
    r1 = ScreeningResult.objects.create(run=run, organization=world.org_a, provision_id="A.07.hte_reward",
                                        title="高企认定奖励", document="威政发〔2018〕20号", article="第7条",
                                        amount=200000, status="applies")
    ScreeningResult.objects.create(run=run, organization=world.org_b, provision_id="A.07.hte_reward", title="t",
                                   document="威政发〔2018〕20号", article="第7条", amount=200000, status="applies")
    c = _client(client, world.bea)
    r = c.post("/funding/proactive/", {"run": run.pk, "result_ids": str(r1.pk)}, follow=True)
    assert "已生成免申即享事项 1 项" in r.content.decode()
    r = c.post("/funding/proactive/", {"run": "abc"}, follow=True)
    assert "须为数字" in r.content.decode()
    html = _client(client, world.alice).get("/funding/mine/").content.decode()
    assert "待确认" in html and "免申即享" in html


def test_notice_also_sent_by_email(world, mailoutbox, django_capture_on_commit_callbacks):
    world.alice.email = "alice@example.com"
    world.alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        submitted_claim(world)
    assert mailoutbox and mailoutbox[-1].subject == "申报已提交" and "/funding/claims/" in mailoutbox[-1].body


@pytest.mark.parametrize("year", [0, 1, 2017, 9999])
def test_claim_api_refuses_a_year_outside_the_documents_with_a_chinese_400(client, world, year):
    """Issue 25 (schemathesis as an enterprise): year 0 reached the policy engine and answered 500."""
    client.force_login(world.alice)
    response = client.post("/api/funding/claims/", {"provision_id": "0", "year": year}, content_type="application/json")
    assert response.status_code == 400 and "年度" in response.json()["year"][0]
