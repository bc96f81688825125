from django.urls import path

from scifinance import views

app_name = "scifinance"
urlpatterns = [
    path("", views.home, name="home"),
    path("loans/", views.loans, name="loans"),
    path("loans/new/", views.loan_new, name="loan_new"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("import/", views.loan_import, name="import"),
    path("policies/", views.policies, name="policies"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("pools/", views.pool_list, name="pools"),
    path("pools/revoke/", views.revoke_filings, name="revoke"),
    path("chokepoint/", views.chokepoint_list, name="chokepoint_list"),
    path("chokepoint/<int:pk>/", views.chokepoint_detail, name="chokepoint"),
]
