"""REST API of project and fund management (mounted at /api/funding/)."""

from django.urls import path

from funding import api

urlpatterns = [
    path("claims/", api.ClaimList.as_view(), name="funding-api-claims"),
    path("claims/<int:pk>/", api.ClaimDetail.as_view(), name="funding-api-claim"),
    path("claims/<int:pk>/transition/", api.ClaimTransition.as_view(), name="funding-api-transition"),
    path("programmes/", api.Programmes.as_view(), name="funding-api-programmes"),
    path("programmes/<int:pk>/claims/", api.ProgrammeClaims.as_view(), name="funding-api-programme-claims"),
    path("ledger/", api.Ledger.as_view(), name="funding-api-ledger"),
]
