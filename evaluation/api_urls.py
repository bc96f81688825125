"""REST API of 政策成效评估 (mounted at /api/evaluation/)."""

from django.urls import path

from evaluation import api

app_name = "evaluation_api"
urlpatterns = [
    path("choices/", api.ChoicesView.as_view(), name="choices"),
    path("runs/", api.RunListView.as_view(), name="runs"),
    path("runs/<int:pk>/", api.RunDetailView.as_view(), name="run"),
    path("runs/<int:pk>/sample/", api.RunSampleView.as_view(), name="run_sample"),
    path("runs/<int:pk>/report.pdf", api.RunPdfView.as_view(), name="run_pdf"),
    path("runs/<int:pk>/report.xlsx", api.RunXlsxView.as_view(), name="run_xlsx"),
]
