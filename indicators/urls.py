from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.template, name="template"),
    path("report/<int:year>.pdf", views.report, {"fmt": "pdf"}, name="report_pdf"),
    path("report/<int:year>.xlsx", views.report, {"fmt": "xlsx"}, name="report_xlsx"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/observe/", views.observe, name="observe"),
]
