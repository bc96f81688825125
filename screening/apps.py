from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "免申即享与政策测算"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from registry.signals import registry_imported
        from screening import kept_jobs  # noqa: F401 - the workers learn the refresh job
        from screening.services.kept import import_done, source_changed, sources

        for model in sources():
            post_save.connect(source_changed, sender=model, dispatch_uid=f"screening.kept.{model._meta.label}.save")
            post_delete.connect(source_changed, sender=model,
                                dispatch_uid=f"screening.kept.{model._meta.label}.delete")
        registry_imported.connect(import_done, dispatch_uid="screening.kept.import")
