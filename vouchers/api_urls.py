"""REST API of vouchers and shared instruments (mounted at /api/vouchers/)."""

from django.urls import path

from vouchers import api

app_name = "vouchers_api"
urlpatterns = [
    path("instruments/", api.InstrumentList.as_view(), name="instruments"),
    path("instruments/<int:pk>/", api.InstrumentDetail.as_view(), name="instrument"),
    path("bookings/", api.BookingList.as_view(), name="bookings"),
    path("bookings/<int:pk>/step/", api.BookingStep.as_view(), name="booking_step"),
    path("records/", api.RecordList.as_view(), name="records"),
]
