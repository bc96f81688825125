from django.urls import path

from experts import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="expert_list"),
    path("<int:pk>/", views.expert_detail, name="expert_detail"),
    path("import/", views.expert_import, name="expert_import"),
    path("match/", views.match, name="match"),
    path("me/", views.my_profile, name="my_profile"),
    path("invitation/", views.invitation, name="invitation"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("reviews/<int:pk>/<str:answer>/", views.respond, name="respond"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/<str:action>/", views.round_action, name="round_action"),
    path("rounds/<int:pk>/items/<int:item_pk>/", views.item_detail, name="item_detail"),
]
