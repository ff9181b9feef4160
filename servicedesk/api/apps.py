from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "servicedesk.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from servicedesk.outbox.services import subscribe_to_events
        from staff.roles import grant_to_roles

        from . import webhooks
        from .scopes import API_PERMISSIONS

        subscribe_to_events(webhooks.webhook_fan_out, many=webhooks.webhook_fan_out_many)
        webhooks.register_sender()
        for permission, roles in API_PERMISSIONS.items():
            grant_to_roles(permission, roles)
