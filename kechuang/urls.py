"""Top-level URL map: each domain app owns its own pages (``<app>.urls``) and API (``<app>.api_urls``)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.ratelimits import limit_anonymous
from portal import views as portal_views

urlpatterns = [
    path("", portal_views.start, name="home"),
    path("login/", limit_anonymous(auth_views.LoginView.as_view()), name="login"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("import-errors/<str:token>/", core_views.import_errors, name="import_errors"),
    path("registry/", include("registry.urls")),
    path("policy/", include("policy.urls")),
    path("indicators/", include("indicators.urls")),
    path("screening/", include("screening.urls")),
    path("incubation/", include("incubation.urls")),
    path("experts/", include("experts.urls")),
    path("funding/", include("funding.urls")),
    path("portal/", include("portal.urls")),
    path("vouchers/", include("vouchers.urls")),
    path("techmarket/", include("techmarket.urls")),
    path("scifinance/", include("scifinance.urls")),
    path("todo/", include("worklist.urls")),
    path("reference/", include("reference.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/registry/", include("registry.api_urls")),
    path("api/policy/", include("policy.api_urls")),
    path("api/indicators/", include("indicators.api_urls")),
    path("api/screening/", include("screening.api_urls")),
    path("api/incubation/", include("incubation.api_urls")),
    path("api/experts/", include("experts.api_urls")),
    path("api/funding/", include("funding.api_urls")),
    path("api/vouchers/", include("vouchers.api_urls")),
    path("api/techmarket/", include("techmarket.api_urls")),
    path("api/scifinance/", include("scifinance.api_urls")),
    path("api/evaluation/", include("evaluation.api_urls")),
]

handler403 = "core.views.forbidden"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
