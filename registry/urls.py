from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("import/", views.import_view, name="import"),
    path("people/", views.people, name="people"),
    path("<int:pk>/", views.organization_detail, name="organization_detail"),
    path("<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("<int:pk>/facts/new/", views.facts_edit, name="facts_new"),
    path("<int:pk>/facts/<int:year>/", views.facts_edit, name="facts_edit"),
]
