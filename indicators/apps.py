from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "指标监测"

    def ready(self) -> None:
        from indicators.tasks import enqueue_refresh
        from registry.signals import registry_imported

        registry_imported.connect(enqueue_refresh, dispatch_uid="indicators.refresh_after_import")
