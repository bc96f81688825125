"""Pages of vouchers and shared instruments (mounted at /vouchers/)."""

from django.urls import path

from vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("instruments/<int:pk>/", views.instrument, name="instrument"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/", views.booking, name="booking"),
    path("records/<int:pk>/", views.record, name="record"),
    path("mine/", views.my_vouchers, name="mine"),
    path("provider/", views.provider_home, name="provider"),
    path("providers/", views.providers, name="providers"),
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/<int:pk>/", views.settlement, name="settlement"),
    path("reports/", views.report, name="report"),
    path("reports/export.xlsx", views.report_xlsx, name="report_xlsx"),
]
