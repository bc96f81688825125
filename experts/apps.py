from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experts"
    verbose_name = "科技专家库与专家评审"
