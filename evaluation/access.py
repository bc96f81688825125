"""Who may use policy impact evaluation; the rules live in ``evaluation.services`` (can_start, can_read,
visible_runs) on top of ``accounts.access``. Third-party evaluators read de-identified results only: a result never
holds names, credit codes or bank details, and firms appear under pseudonyms made for each run."""

from evaluation.services import can_read, can_start, is_deidentified_reader, visible_runs

__all__ = ["can_read", "can_start", "is_deidentified_reader", "visible_runs"]
