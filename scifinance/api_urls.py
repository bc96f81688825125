from django.urls import include, path
from rest_framework.routers import DefaultRouter

from scifinance import api

router = DefaultRouter()
router.register("loans", api.LoanViewSet, basename="finance-loan")
router.register("policies", api.PolicyViewSet, basename="finance-policy")

urlpatterns = [path("", include(router.urls))]
