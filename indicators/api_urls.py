from django.urls import path

from indicators import api

urlpatterns = [
    path("", api.IndicatorListView.as_view(), name="indicators-api-list"),
    path("<str:code>/", api.IndicatorDetailView.as_view(), name="indicators-api-detail"),
    path("<str:code>/observations/", api.ObservationView.as_view(), name="indicators-api-observations"),
]
