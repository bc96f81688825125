"""Issue 25 item 10: every text column of every project model keeps its length limit on SQLite and PostgreSQL alike,
and a page or the API answers an over-long value with a Chinese 400 naming the field."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from core.lengths import TEXT_MAX, enforce, limits
from core.models import AuditEvent
from kechuang import urls as project_urls

MODELS = [m for m in apps.get_models() if limits(m)]


def test_every_project_model_with_text_is_checked() -> None:
    labels = {m._meta.label for m in MODELS}
    assert {"funding.Claim", "scifinance.Loan", "core.AuditEvent", "registry.Organization",
            "techmarket.TechNeed"} <= labels
    assert not {m._meta.label for m in MODELS if m._meta.app_label in ("auth", "sessions", "admin", "axes")}
    claim = apps.get_model("funding", "Claim")
    claim_summary = dict((a, n) for a, _, n in limits(claim))["summary"]
    # a text field's own max_length (funding's 申报说明: 5,000) wins over the platform's default TEXT_MAX
    assert claim_summary == (claim._meta.get_field("summary").max_length or TEXT_MAX)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_each_text_field_refuses_one_character_too_many(model: type[models.Model]) -> None:
    for attname, label, limit in limits(model):
        ok = model()
        setattr(ok, attname, "字" * limit)
        enforce(model, ok)  # exactly at the limit: accepted
        bad = model()
        setattr(bad, attname, "字" * (limit + 1))
        with pytest.raises(ValidationError) as err:
            enforce(model, bad)
        assert set(err.value.message_dict) == {attname}
        assert f"「{label}」最多 {limit:,} 个字符" in err.value.message_dict[attname][0]


@pytest.mark.django_db
def test_a_save_with_a_two_million_character_text_is_refused() -> None:
    Claim = apps.get_model("funding", "Claim")
    limit = Claim._meta.get_field("summary").max_length or TEXT_MAX
    with pytest.raises(ValidationError, match=f"最多 {limit:,} 个字符，现为 2,000,000 个"):
        enforce(Claim, Claim(summary="长" * 2_000_000))
    with pytest.raises(ValidationError, match="「操作」最多 64 个字符，现为 5,000 个"):
        AuditEvent.objects.create(action="x" * 5000)
    assert not AuditEvent.objects.filter(action__startswith="xxxx").exists()


def _save_too_long(request):
    AuditEvent.objects.create(action="x" * 5000)
    return HttpResponse("saved")


urlpatterns = [path("too-long/", _save_too_long), path("api/too-long/", _save_too_long), *project_urls.urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_pages_and_api_answer_400_naming_the_field(client) -> None:
    page = client.post("/too-long/")
    assert page.status_code == 400
    assert "「操作」最多 64 个字符，现为 5,000 个，请删减后再提交。" in page.content.decode()
    api = client.post("/api/too-long/")
    assert api.status_code == 400
    assert api.json() == {"action": ["「操作」最多 64 个字符，现为 5,000 个，请删减后再提交。"]}
