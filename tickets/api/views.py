"""/api/v1/tickets/: thin views over tickets.selectors and tickets.services."""

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response

from servicedesk.api.concurrency import expected_version
from servicedesk.api.pagination import OldestFirstPagination
from servicedesk.api.parsers import JSONParser
from servicedesk.api.permissions import permissions_preload
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet, detail_list_action
from tickets import services
from tickets.inbound import inbound_mail_ingest
from tickets.models import Attachment, Ticket, TicketEvent, TicketMessage
from tickets.selectors import tickets_visible_to

from .filters import TicketFilter
from .serializers import (
    AssignInput,
    AttachmentInput,
    AttachmentSerializer,
    EventSerializer,
    InboundEmailInput,
    InboundEmailResultSerializer,
    MessageInput,
    MessageSerializer,
    PriorityInput,
    SlaClockSerializer,
    StatusInput,
    TicketChangeInput,
    TicketCreateInput,
    TicketSerializer,
    clock_representation,
    ticket_clocks,
    ticket_prefetches,
)

TICKET_RELATIONS = ("customer", "team", "assignee", "case_owner", "category")


@extend_schema_view(
    list=extend_schema(summary="List the tickets the caller may see"),
    retrieve=extend_schema(summary="Read one ticket (with its ETag)"),
)
class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Tickets. Visibility equals the pages': another team's ticket is 404."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    ordering_fields = ("id", "created_at", "updated_at")
    ordering = ("-id",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.TICKETS_READ, "write": Scope.TICKETS_WRITE}
    action_scopes = {"sla": Scope.SLA_READ}
    action_permissions = {
        "create": ["tickets.add_ticket"],
        "partial_update": ["tickets.change_ticket"],
        "change_status": ["tickets.change_ticket"],
        "change_priority": ["tickets.change_ticket"],
        "assign": ["tickets.change_ticket"],
        "reply": ["tickets.add_ticketmessage"],
        "note": ["tickets.add_ticketmessage"],
        "attach": ["tickets.add_attachment"],
    }
    if_match_actions = frozenset({"partial_update", "change_status", "change_priority", "assign"})
    etag_actions = frozenset(
        {"retrieve", "create", "partial_update", "change_status", "change_priority", "assign"}
    )

    def get_queryset(self):
        permissions_preload(self.request.user)  # visibility asks for view_all_tickets
        tickets = tickets_visible_to(self.request.user).select_related(*TICKET_RELATIONS)
        return tickets.prefetch_related(*ticket_prefetches())

    def retrieve(self, request, pk=None):
        ticket = self.get_object()
        return self.etag_response(Response(TicketSerializer(ticket).data), ticket)

    @extend_schema(
        summary="Open a ticket",
        request=TicketCreateInput,
        responses={201: TicketSerializer},
    )
    def create(self, request):
        data = TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create(actor=request.user, **data.validated_data)
        # Nothing to read back: a new ticket has no tags unless some were given, and its
        # clocks are the ones the SLA engine just started.
        if not data.validated_data.get("tags"):
            ticket.api_tags = []
        started = getattr(ticket, "sla_clocks_at_creation", None)
        if started is not None:
            ticket.api_clocks = started
        response = Response(
            TicketSerializer(self._fresh(ticket)).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = f"{request.path}{ticket.pk}/"
        return self.etag_response(response, ticket)

    def _fresh(self, ticket):
        """The service's ticket with what its representation still lacks (tags, clocks)."""
        if not (hasattr(ticket, "api_tags") and hasattr(ticket, "api_clocks")):
            # Building the prefetches' querysets costs more than a create's own Python.
            missing = [p for p in ticket_prefetches() if not hasattr(ticket, p.to_attr)]
            prefetch_related_objects([ticket], *missing)
        return ticket

    @extend_schema(
        summary="Change descriptive fields (If-Match required for tokens)",
        request=TicketChangeInput,
        responses={200: TicketSerializer},
    )
    def partial_update(self, request, pk=None):
        ticket = self.get_object()
        version = expected_version(request, ticket)
        data = TicketChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        tags = changes.pop("tags", None)
        ticket = services.ticket_update_details(
            ticket=ticket,
            actor=request.user,
            changes=changes,
            tags=tags,
            expected_version=version,
        )
        return self._respond(ticket)

    def _respond(self, ticket):
        """After a change: reloaded in one query plus prefetches (the service's locked
        copy has no related rows loaded). Not through the visibility filter: a transfer
        may just have taken the ticket out of the caller's sight."""
        ticket = (
            Ticket.objects.select_related(*TICKET_RELATIONS)
            .prefetch_related(*ticket_prefetches())
            .get(pk=ticket.pk)
        )
        return self.etag_response(Response(TicketSerializer(ticket).data), ticket)

    @extend_schema(
        summary="Move the ticket to another status",
        request=StatusInput,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        ticket = self.get_object()
        version = expected_version(request, ticket)
        data = StatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_change_status(
            ticket=ticket,
            actor=request.user,
            to=data.validated_data["status"],
            expected_version=version,
        )
        return self._respond(ticket)

    @extend_schema(
        summary="Change the priority", request=PriorityInput, responses={200: TicketSerializer}
    )
    @action(detail=True, methods=["post"], url_path="priority")
    def change_priority(self, request, pk=None):
        ticket = self.get_object()
        version = expected_version(request, ticket)
        data = PriorityInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_change_priority(
            ticket=ticket,
            actor=request.user,
            priority=data.validated_data["priority"],
            expected_version=version,
        )
        return self._respond(ticket)

    @extend_schema(
        summary="Assign to a member of the team, or transfer to another team",
        request=AssignInput,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = self.get_object()
        version = expected_version(request, ticket)
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_assign(
            ticket=ticket,
            actor=request.user,
            assignee=data.validated_data["assignee"],
            team=data.validated_data.get("team"),
            expected_version=version,
        )
        return self._respond(ticket)

    @extend_schema(
        summary="Public replies, notes and customer messages, oldest first",
        responses={200: MessageSerializer(many=True)},
        filters=False,
    )
    @detail_list_action(OldestFirstPagination)
    def messages(self, request, pk=None):
        ticket = self.get_object()
        messages = TicketMessage.objects.filter(ticket=ticket).select_related("author")
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        summary="Reply to the customer (e-mailed via the outbox)",
        request=MessageInput,
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["post"], url_path="replies")
    def reply(self, request, pk=None):
        ticket = self.get_object()
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.ticket_reply(
            ticket=ticket, actor=request.user, body=data.validated_data["body"]
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add an internal note (never sent to the customer)",
        request=MessageInput,
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def note(self, request, pk=None):
        ticket = self.get_object()
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.ticket_note(
            ticket=ticket, actor=request.user, body=data.validated_data["body"]
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Files attached to the ticket, oldest first",
        responses={200: AttachmentSerializer(many=True)},
        filters=False,
    )
    @detail_list_action(OldestFirstPagination, parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        attachments = Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")
        page = self.paginate_queryset(attachments)
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Attach a file (multipart/form-data, allowed types only)",
        request={"multipart/form-data": AttachmentInput},
        responses={201: AttachmentSerializer},
    )
    @attachments.mapping.post
    def attach(self, request, pk=None):
        ticket = self.get_object()
        data = AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.ticket_attach(
            ticket=ticket, actor=request.user, uploaded_file=data.validated_data["file"]
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The audit trail: who changed what, when, from → to",
        responses={200: EventSerializer(many=True)},
        filters=False,
    )
    @detail_list_action(OldestFirstPagination)
    def events(self, request, pk=None):
        ticket = self.get_object()
        events = TicketEvent.objects.filter(ticket=ticket).select_related("actor")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(
        summary="Every SLA clock of the ticket",
        responses={200: SlaClockSerializer(many=True)},
        filters=False,
    )
    @detail_list_action(None)
    def sla(self, request, pk=None):
        ticket = self.get_object()
        return Response([clock_representation(clock) for clock in ticket_clocks(ticket)])


class RawEmailParser(BaseParser):
    """`message/rfc822`: the body is the message itself."""

    media_type = "message/rfc822"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"raw": stream.read() if stream is not None else b""}


class InboundEmailJSONParser(BaseParser):
    """JSON with the mail in base64, read from the stream: DRF reads a JSONParser's body
    through request.body, capped at DATA_UPLOAD_MAX_MEMORY_SIZE, but an inbound mail may be
    larger (servicedesk/api/middleware.py) so that an oversized one reaches the endpoint
    and is kept, refused. Not a JSONParser subclass, for that reason; parses as one."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return JSONParser().parse(stream, media_type, parser_context)


@extend_schema_view(
    create=extend_schema(
        summary="Deliver one inbound e-mail (RFC 822, or JSON with base64)",
        request={"message/rfc822": OpenApiTypes.BINARY, "application/json": InboundEmailInput},
        responses={200: InboundEmailResultSerializer, 201: InboundEmailResultSerializer},
    )
)
class InboundEmailView(ApiViewSet):
    """A mail gateway posts each received message here; 201 when something was created."""

    parser_classes = [RawEmailParser, InboundEmailJSONParser]
    required_scopes = {"write": Scope.EMAIL_INGEST}
    action_permissions = {"create": ["tickets.add_ticket", "tickets.add_ticketmessage"]}

    def create(self, request):
        if request.content_type.startswith(RawEmailParser.media_type):
            raw = request.data.get("raw", b"")  # {} when the body is empty
        else:
            data = InboundEmailInput(data=request.data)
            data.is_valid(raise_exception=True)
            raw = data.validated_data["raw_base64"]
        result = inbound_mail_ingest(raw, source=f"api:{request.user.get_username()}")
        body = InboundEmailResultSerializer(
            {
                "ticket": result.ticket.pk,
                "reference": result.ticket.reference,
                "message": result.message.pk if result.message else None,
                "created": result.created,
                "duplicate": result.duplicate,
                "skipped_attachments": result.skipped_attachments,
            }
        ).data
        appended = result.created or (result.message is not None and not result.duplicate)
        return Response(body, status=status.HTTP_201_CREATED if appended else status.HTTP_200_OK)
