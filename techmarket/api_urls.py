from rest_framework.routers import DefaultRouter

from techmarket import api

router = DefaultRouter()
router.register("needs", api.NeedViewSet, basename="techmarket-need")
router.register("achievements", api.AchievementViewSet, basename="techmarket-achievement")
router.register("matches", api.MatchViewSet, basename="techmarket-match")
router.register("contracts", api.ContractViewSet, basename="techmarket-contract")

urlpatterns = router.urls
