from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/share/", views.run_share, name="run_share"),
    path("runs/<int:pk>/report.pdf", views.run_pdf, name="run_pdf"),
    path("runs/<int:pk>/report.xlsx", views.run_xlsx, name="run_xlsx"),
]
