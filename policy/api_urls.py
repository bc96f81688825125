from django.urls import path

from policy import api

urlpatterns = [
    path("evaluate/", api.EvaluateView.as_view(), name="policy-api-evaluate"),
    path("organizations/<int:pk>/", api.OrganizationView.as_view(), name="policy-api-organization"),
    path("catalogue/", api.CatalogueView.as_view(), name="policy-api-catalogue"),
    path("coverage/", api.CoverageView.as_view(), name="policy-api-coverage"),
]
