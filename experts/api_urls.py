"""REST API of the expert review (mounted at /api/experts/)."""

from django.urls import path

from experts import api

app_name = "experts_api"
urlpatterns = [
    path("rounds/", api.RoundListView.as_view(), name="rounds"),
    path("rounds/<int:pk>/", api.RoundDetailView.as_view(), name="round"),
    path("rounds/<int:pk>/items/", api.RoundItemsView.as_view(), name="round_items"),
    path("rounds/<int:pk>/solve/", api.RoundActionView.as_view(action_name="solve"), name="round_solve"),
    path("rounds/<int:pk>/publish/", api.RoundActionView.as_view(action_name="publish"), name="round_publish"),
    path("rounds/<int:pk>/close/", api.RoundActionView.as_view(action_name="close"), name="round_close"),
    path("rounds/<int:pk>/scores/", api.RoundScoresView.as_view(), name="round_scores"),
    path("assignments/", api.MyAssignmentsView.as_view(), name="assignments"),
    path("assignments/<int:pk>/review/", api.ReviewView.as_view(), name="review"),
    path("assignments/<int:pk>/conflict/", api.ConflictView.as_view(), name="conflict"),
    path("assignments/<int:pk>/accept/", api.RespondView.as_view(answer="accept"), name="accept"),
    path("assignments/<int:pk>/decline/", api.RespondView.as_view(answer="decline"), name="decline"),
    path("match/", api.MatchView.as_view(), name="match"),
]
