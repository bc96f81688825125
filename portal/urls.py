from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("documents/<str:key>/", views.document_text, name="document"),
    path("register/", views.register, name="register"),
]
