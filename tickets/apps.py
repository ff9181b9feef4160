from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from customers.profile import register_profile_section
        from servicedesk.outbox.delivery import register_attachment_loader
        from servicedesk.templatetags.desk import register_event_field, register_event_model

        from .models import Attachment, Channel, Complexity, Kind, Priority, Status, Ticket
        from .profile import customer_tickets, customer_tickets_json

        register_profile_section(
            "tickets",
            _("Tickets"),
            customer_tickets,
            "tickets/_profile_tickets.html",
            order=40,
            serialize=customer_tickets_json,
        )

        # How the ticket's audited fields read in the timeline (the pages' template tags
        # are foundation and know no app's models).
        register_event_model(Ticket)
        for name, choices in (
            ("status", Status),
            ("priority", Priority),
            ("channel", Channel),
            ("kind", Kind),
            ("complexity", Complexity),
        ):
            register_event_field(name, choices=choices)

        # The files an outgoing e-mail names in payload["attachment_ids"]: only the
        # ticket's own (others are ignored), in the order they were added.
        def ticket_attachments(ticket_id: int, ids: list[int]) -> list:
            return list(Attachment.objects.filter(pk__in=ids, ticket_id=ticket_id).order_by("pk"))

        register_attachment_loader(ticket_attachments)
