from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.organization_detail, name="organization_detail"),
]
