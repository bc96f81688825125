from django.urls import path

from reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.table, name="table"),
    path("<slug:code>/template.xlsx", views.template, name="template"),
    path("<slug:code>/import/", views.import_file, name="import"),
    path("<slug:code>/<str:month>/", views.edit, name="edit"),
]
