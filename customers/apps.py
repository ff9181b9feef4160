from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from servicedesk.demo_steps import register_demo_step

        from .demo import seed_purchases_step

        register_demo_step(seed_purchases_step)
