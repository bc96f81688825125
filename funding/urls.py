"""Pages of project and fund management (mounted at /funding/)."""

from django.urls import path

from funding import setup_views, views

app_name = "funding"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("new/", views.new_claim, name="new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/attach/", views.claim_attach, name="claim_attach"),
    path("claims/<int:pk>/attachments/<int:att_id>/", views.attachment, name="attachment"),
    path("claims/<int:pk>/act/", views.claim_act, name="claim_act"),
    path("claims/<int:pk>/notice.pdf", views.claim_pdf, name="claim_pdf"),
    path("queue/", views.work_queue, name="queue"),
    path("programmes/", views.programmes, name="programmes"),
    path("budget-lines/<int:pk>/confirm/", views.confirm_line, name="confirm_line"),
    path("payments/", views.payments, name="payments"),
    path("payments/batch.xlsx", views.payment_batch, name="payment_batch"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("publicity/", views.publicity, name="publicity"),
    path("publicity.pdf", views.publicity_pdf, name="publicity_pdf"),
    path("calls/", views.calls, name="calls"),
    path("calls/<int:pk>/apply/", views.call_apply, name="call_apply"),
    path("proactive/", views.proactive, name="proactive"),
    path("challenges/", views.challenges, name="challenges"),
    path("claims/<int:pk>/milestones/<int:ms_id>/", views.milestone_act, name="milestone_act"),
    path("claims/<int:pk>/objections/<int:obj_id>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("claims/<int:pk>/project/", views.project_act, name="project_act"),
    path("review-rounds/", views.review_round, name="review_round"),
    path("bank/", views.bank, name="bank"),
    path("setup/", setup_views.year_setup, name="year_setup"),
    path("setup/copy/", setup_views.year_copy, name="year_copy"),
    path("budget-lines/", setup_views.budget_confirm, name="budget_confirm"),
    path("bulk/", setup_views.bulk, name="bulk"),
]
