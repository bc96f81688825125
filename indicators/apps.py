from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "指标监测"

    def ready(self) -> None:
        from indicators.tasks import enqueue_refresh
        from registry.signals import registry_imported

        registry_imported.connect(enqueue_refresh, dispatch_uid="indicators.refresh_after_import")

        from django.apps import apps
        from django.db.models.signals import post_delete, post_save, pre_save

        from indicators.counts import SOURCES, source_changed, source_will_change

        for label in SOURCES:
            model = apps.get_model(label)
            pre_save.connect(source_will_change, sender=model, dispatch_uid=f"indicators.changed.{label}.before")
            post_save.connect(source_changed, sender=model, dispatch_uid=f"indicators.changed.{label}.save")
            post_delete.connect(source_changed, sender=model, dispatch_uid=f"indicators.changed.{label}.delete")
