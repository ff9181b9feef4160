from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "servicedesk.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from servicedesk.outbox.services import subscribe_to_events

        from . import webhooks

        subscribe_to_events(webhooks.webhook_fan_out, many=webhooks.webhook_fan_out_many)
        webhooks.register_sender()
