"""Every text column of every project model keeps its length limit, on SQLite as on PostgreSQL (issue 25 item 10).

SQLite ignores ``max_length`` (a varchar(60) took 5,000 characters) and TextFields have no limit anywhere (a claim
summary took 2,000,000 characters); PostgreSQL refuses an over-long varchar only with a DataError (a 500). One
pre_save check, connected for every model in core.apps, refuses both with a ValidationError that names the field in
Chinese; core.middleware.ValidationErrorMiddleware answers it as a 400 wherever a view lets it through.

Writes that bypass save() (bulk_create, QuerySet.update) are the system's own and not checked here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

#: The limit of a TextField that declares none (characters).
TEXT_MAX = 20_000
#: Text the system writes itself (explanations, error reports, notices) may be longer.
TEXT_MAX_BY_FIELD: dict[str, int] = {
    "screening.ScreeningResult.explanation": 1_000_000,
    "screening.ScreeningRun.error": 1_000_000,
    "screening.Notice.body": 1_000_000,
    "screening.ClaimDraft.explanation": 1_000_000,
    "funding.Claim.explanation": 1_000_000,
    "vouchers.VoucherUse.explanation": 1_000_000,
    "experts.ReviewRound.solve_message": 1_000_000,
    "registry.ChangeRecord.old_value": 1_000_000,
    "registry.ChangeRecord.new_value": 1_000_000,
}


def is_project_app(config: Any) -> bool:
    """An app of this project: its code lies in the project folder and not in an installed package (a ``.venv``
    inside the project folder, as ``scripts/setup.sh`` makes it, holds Django's and third parties' apps)."""
    path = Path(config.path)
    return path.is_relative_to(Path(settings.BASE_DIR)) and "site-packages" not in path.parts


def _project_app(label: str) -> bool:
    from django.apps import apps

    try:
        return is_project_app(apps.get_app_config(label))
    except LookupError:  # Django's own unregistered models (the migration recorder's)
        return False


@cache
def limits(model: type[models.Model]) -> tuple[tuple[str, str, int], ...]:
    """(attribute, label, limit) of each text column of a project model; () for Django's and third parties'."""
    meta = model._meta
    if not _project_app(meta.app_label):
        return ()
    out = []
    for f in meta.concrete_fields:
        if isinstance(f, models.TextField):
            limit = f.max_length or TEXT_MAX_BY_FIELD.get(f"{meta.label}.{f.name}", TEXT_MAX)
        elif isinstance(f, models.CharField) and f.max_length:
            limit = f.max_length
        else:
            continue
        out.append((f.attname, str(f.verbose_name or f.name), limit))
    return tuple(out)


def too_long(model: type[models.Model], instance: Any) -> dict[str, str]:
    """field name → Chinese reason, for each text value longer than its limit."""
    errors = {}
    for attname, label, limit in limits(model):
        value = getattr(instance, attname, None)
        if isinstance(value, str) and len(value) > limit:
            errors[attname] = f"「{label}」最多 {limit:,} 个字符，现为 {len(value):,} 个，请删减后再提交。"
    return errors


def enforce(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """pre_save receiver (every model): refuse over-long text before the database sees it."""
    if errors := too_long(sender, instance):
        raise ValidationError(errors)
