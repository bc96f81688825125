from django.urls import path

from incubation import views

app_name = "incubation"
urlpatterns = [
    path("", views.index, name="index"),
    path("carriers/<int:pk>/", views.carrier, name="carrier"),
    path("carriers/<int:pk>/add/", views.stay_add, name="stay_add"),
    path("carriers/<int:pk>/import/", views.roster_import, name="import"),
    path("carriers/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("stays/<int:pk>/edit/", views.stay_edit, name="stay_edit"),
    path("stays/<int:pk>/exit/", views.stay_exit, name="stay_exit"),
    path("stays/<int:pk>/incorporate/", views.incorporate, name="incorporate"),
    path("competitions/", views.competitions, name="competitions"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/decide/", views.decide, name="decide"),
]
