from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.models.signals import pre_save

        from core.audit import install_admin_audit
        from core.crypto import mask_in_admin
        from core.lengths import enforce

        install_admin_audit()  # every Django-admin change of any model writes an AuditEvent
        pre_save.connect(enforce, dispatch_uid="core.lengths.enforce")  # every model's text limits (issue 25/10)
        mask_in_admin(admin.site)  # bank accounts, ID and phone numbers masked in admin too (issue 25)
