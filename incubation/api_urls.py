from django.urls import include, path
from rest_framework.routers import DefaultRouter

from incubation import api

router = DefaultRouter()
router.register("carriers", api.CarrierViewSet, basename="carrier")
router.register("stays", api.StayViewSet, basename="stay")

urlpatterns = [path("", include(router.urls))]
