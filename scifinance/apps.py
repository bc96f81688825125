from django.apps import AppConfig


class ScifinanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scifinance"
    verbose_name = "科技金融"
