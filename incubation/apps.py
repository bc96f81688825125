from django.apps import AppConfig


class IncubationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incubation"
    verbose_name = "孵化载体与创新创业大赛"

    def ready(self) -> None:
        from incubation import signals  # noqa: F401  (connects the automatic A 第16条 events)
