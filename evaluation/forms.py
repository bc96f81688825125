"""The form that starts an evaluation (its values go straight to evaluation.services.start_run)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from evaluation.provisions import OUTCOMES, SPECS


def _last_year() -> int:
    return timezone.localdate().year - 1


class EvaluationForm(forms.Form):
    provision_id = forms.ChoiceField(label="条款", choices=[(s.provision_id, f"{s.citation} {s.title}")
                                                          for s in SPECS.values()])
    outcome = forms.ChoiceField(label="结果指标", choices=[(o.key, f"{o.label}（{o.unit}）") for o in OUTCOMES.values()])
    year_from = forms.IntegerField(label="起始年度", initial=lambda: _last_year() - 2, min_value=2000, max_value=2100,
                                   error_messages={"required": "请填写起始年度。", "invalid": "起始年度须为四位数字。"})
    year_to = forms.IntegerField(label="截止年度", initial=_last_year, min_value=2000, max_value=2100,
                                 error_messages={"required": "请填写截止年度。", "invalid": "截止年度须为四位数字。"})
