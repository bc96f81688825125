from django.urls import path

from techmarket import views

app_name = "techmarket"

urlpatterns = [
    path("", views.home, name="home"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/action/", views.need_action, name="need_action"),
    path("achievements/", views.achievement_list, name="achievements"),
    path("achievements/new/", views.achievement_new, name="achievement_new"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement"),
    path("achievements/<int:pk>/action/", views.achievement_action, name="achievement_action"),
    path("matches/", views.match_list, name="matches"),
    path("matches/start/", views.match_start, name="match_start"),
    path("matches/<int:pk>/", views.match_detail, name="match"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("reports/", views.report, name="report"),
]
