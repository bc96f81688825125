from django.apps import AppConfig


class TechmarketConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "techmarket"
    verbose_name = "高新技术市场"
