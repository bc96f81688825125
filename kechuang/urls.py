"""Top-level URL map: each domain app owns its own pages (``<app>.urls``) and API (``<app>.api_urls``)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("registry/", include("registry.urls")),
    path("policy/", include("policy.urls")),
    path("indicators/", include("indicators.urls")),
    path("screening/", include("screening.urls")),
    path("funding/", include("funding.urls")),
    path("scifinance/", include("scifinance.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/registry/", include("registry.api_urls")),
    path("api/policy/", include("policy.api_urls")),
    path("api/indicators/", include("indicators.api_urls")),
    path("api/screening/", include("screening.api_urls")),
    path("api/funding/", include("funding.api_urls")),
    path("api/scifinance/", include("scifinance.api_urls")),
]
