"""Pages of 免申即享 (mounted at /screening/)."""

from django.urls import path

from screening import views

app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("whatif/", views.whatif, name="whatif"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/rerun/", views.run_rerun, name="run_rerun"),
    path("runs/<int:pk>/notify/", views.run_notify, name="run_notify"),
    path("runs/<int:pk>/proactive/", views.run_proactive, name="run_proactive"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
    path("runs/<int:pk>/export.csv", views.run_export_csv, name="run_export_csv"),
    path("mine/", views.mine, name="mine"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/open/", views.notice_open, name="notice_open"),
    path("calculator/", views.calculator_page, name="calculator"),
]
