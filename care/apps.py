from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care programme")

    def ready(self) -> None:
        from customers.profile import register_profile_section
        from customers.signals import customer_care_opted_out
        from servicedesk.templatetags.desk import register_nav_item
        from staff.models import Role
        from staff.roles import grant_to_roles

        from .receivers import skip_open_tasks_of_opted_out_customer
        from .selectors import customer_care_contacts, customer_care_contacts_json

        # customers sits below care: it announces the opt-out, care drops the open tasks.
        customer_care_opted_out.connect(
            skip_open_tasks_of_opted_out_customer, dispatch_uid="care.opt_out"
        )
        register_nav_item("care:tasks", _("Care tasks"), permission="care.view_carecontact")
        grant_to_roles("care.view_carecontact", (Role.AGENT, Role.SUPERVISOR, Role.MANAGER))
        register_profile_section(
            "care",
            _("Care contacts"),
            customer_care_contacts,
            "care/_profile_care.html",
            order=60,
            serialize=customer_care_contacts_json,
            permission="care.view_carecontact",
            empty=[],
        )
