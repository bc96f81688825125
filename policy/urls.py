from django.urls import path

from policy import views

app_name = "policy"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("coverage/", views.coverage_page, name="coverage"),
]
