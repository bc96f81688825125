"""REST API of 免申即享 (mounted at /api/screening/)."""

from django.urls import path

from screening import api

app_name = "screening_api"
urlpatterns = [
    path("runs/", api.RunListView.as_view(), name="runs"),
    path("runs/<int:pk>/", api.RunDetailView.as_view(), name="run"),
    path("runs/<int:pk>/cancel/", api.RunCancelView.as_view(), name="run_cancel"),
    path("runs/<int:pk>/totals/", api.RunTotalsView.as_view(), name="run_totals"),
    path("parameters/", api.ParametersView.as_view(), name="parameters"),
    path("mine/", api.MineView.as_view(), name="mine"),
    path("calculator/", api.CalculatorView.as_view(), name="calculator"),
]
