from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from servicedesk.demo_steps import register_demo_step
        from servicedesk.templatetags.desk import register_nav_item
        from staff.models import Role
        from staff.roles import grant_to_roles

        from .api.profile import purchase_history_json, segment_json
        from .demo import seed_purchases_step
        from .profile import register_profile_section
        from .selectors import purchase_histories, segment_explanations

        register_demo_step(seed_purchases_step)
        register_nav_item("customers:list", _("Customers"), permission="customers.view_customer")
        # Bulk imports change who the desk knows: managers only.
        grant_to_roles("customers.import_customers", (Role.MANAGER,))
        # The profile's own sections; tickets, complaints and quality add theirs.
        register_profile_section(
            "segment",
            _("Value class"),
            segment_explanations,
            "customers/_profile_segment.html",
            order=10,
            serialize=segment_json,
        )
        register_profile_section(
            "purchases",
            _("Spend and orders"),
            purchase_histories,
            "customers/_profile_purchases.html",
            order=20,
            serialize=purchase_history_json,
        )
        # Managers decide the quarterly lifetime-value review's level proposals [S0 §03].
        grant_to_roles("customers.review_ltv", (Role.MANAGER,))
        register_nav_item(
            "customers:ltv_review",
            _("Lifetime-value review"),
            permission="customers.review_ltv",
            secondary=True,
        )

        from . import checks  # noqa: F401  (registers the personal-data key checks)
