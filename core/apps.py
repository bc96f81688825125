from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from core.audit import install_admin_audit

        install_admin_audit()  # every Django-admin change of any model writes an AuditEvent
