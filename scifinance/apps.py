from django.apps import AppConfig


class ScifinanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scifinance"
    verbose_name = "科技金融"

    def ready(self) -> None:
        # A loss claim's amount is the pool's rule on the defaulted loan (A 第19条), decided here, not the engine's
        # yearly figure for the bank; funding's payment-time re-check leaves it to this app.
        from funding import money
        from scifinance.pools import PROVISION_ID

        money.decided_elsewhere(PROVISION_ID)
