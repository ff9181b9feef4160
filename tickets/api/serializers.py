"""Ticket representations and request bodies. Shape and types only; services decide."""

import base64
import binascii

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Customer
from servicedesk.api.serializers import IdField, InputSerializer
from staff.models import Team
from tickets.models import (
    Attachment,
    Category,
    Channel,
    Complexity,
    IntakeTemplate,
    Kind,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.sla import selectors as sla_selectors

User = get_user_model()

MSG_NOT_BASE64 = _("Not valid base64.")


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SlaClockSerializer(serializers.Serializer):
    """One SLA clock of the ticket (first response, resolution, …), every one shown."""

    metric = serializers.CharField()
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    warn_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)
    escalation_level = serializers.IntegerField()


_WHEN = serializers.DateTimeField()


def _when(value):
    return _WHEN.to_representation(value) if value is not None else None


def ticket_prefetches() -> list[Prefetch]:
    """What a ticket's representation reads, as plain lists (no queryset per ticket)."""
    return [
        Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="api_tags"),
        Prefetch("sla_clocks", queryset=sla_selectors.sla_clocks_queryset(), to_attr="api_clocks"),
    ]


def ticket_clocks(ticket) -> list:
    """The ticket's clocks in the page's order (sla_selectors.clocks_in_order), from the
    list prefetched for the API when there is one."""
    clocks = getattr(ticket, "api_clocks", None)
    if clocks is None:
        return sla_selectors.ticket_clocks(ticket)
    return sla_selectors.clocks_in_order(clocks)


def clock_representation(clock) -> dict:
    return {
        "metric": clock.metric,
        "state": clock.state,
        "due_at": _when(clock.due_at),
        "warn_at": _when(clock.warn_at),
        "met_at": _when(clock.met_at),
        "breached_at": _when(clock.breached_at),
        "escalation_level": clock.escalation_level,
    }


def _ref(record, name_attribute: str = "name") -> dict | None:
    if record is None:
        return None
    return {"id": record.pk, name_attribute: getattr(record, name_attribute)}


class TicketSerializer(serializers.ModelSerializer):
    """The ticket as integrations see it; `sla` lists every clock separately.

    `to_representation` is written out by hand: DRF's generic field-by-field path costs
    about 1 ms per ticket here, which alone would put a 50-row page over its 50 ms
    budget. The declared fields still drive the OpenAPI schema, and
    tests/api/test_ticket_endpoints.py pins the output to them.
    """

    category = NamedRefSerializer(allow_null=True, read_only=True)
    team = NamedRefSerializer(allow_null=True, read_only=True)
    customer = NamedRefSerializer(allow_null=True, read_only=True)
    assignee = UserRefSerializer(allow_null=True, read_only=True)
    case_owner = UserRefSerializer(allow_null=True, read_only=True)
    tags = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = (
            "id",
            "reference",
            "subject",
            "description",
            "status",
            "priority",
            "channel",
            "kind",
            "complexity",
            "category",
            "team",
            "customer",
            "assignee",
            "case_owner",
            "tags",
            "product",
            "order_number",
            "purchase_date",
            "customer_demand",
            "preferred_contact_time",
            "created_at",
            "updated_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "version",
            "sla",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, ticket) -> list[str]:
        tags = getattr(ticket, "api_tags", None)
        if tags is None:
            tags = ticket.tags.order_by("name")
        return [tag.name for tag in tags]

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, ticket) -> list[dict]:
        return [clock_representation(clock) for clock in ticket_clocks(ticket)]

    def to_representation(self, ticket) -> dict:
        return {
            "id": ticket.pk,
            "reference": ticket.reference,
            "subject": ticket.subject,
            "description": ticket.description,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "kind": ticket.kind,
            "complexity": ticket.complexity,
            "category": _ref(ticket.category),
            "team": _ref(ticket.team),
            "customer": _ref(ticket.customer),
            "assignee": _ref(ticket.assignee, "username"),
            "case_owner": _ref(ticket.case_owner, "username"),
            "tags": self.get_tags(ticket),
            "product": ticket.product,
            "order_number": ticket.order_number,
            "purchase_date": ticket.purchase_date.isoformat() if ticket.purchase_date else None,
            "customer_demand": ticket.customer_demand,
            "preferred_contact_time": ticket.preferred_contact_time,
            "created_at": _when(ticket.created_at),
            "updated_at": _when(ticket.updated_at),
            "first_response_at": _when(ticket.first_response_at),
            "resolved_at": _when(ticket.resolved_at),
            "closed_at": _when(ticket.closed_at),
            "version": ticket.version,
            "sla": self.get_sla(ticket),
        }


class TagListField(serializers.ListField):
    """Tag names; how many a ticket may carry is the service's rule (TICKET_MAX_TAGS)."""

    child = serializers.CharField(max_length=50, allow_blank=False)


class TicketCreateInput(InputSerializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    channel = serializers.ChoiceField(Channel.choices, default=Channel.API)
    kind = serializers.ChoiceField(Kind.choices, default=Kind.REQUEST)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    complexity = serializers.ChoiceField(Complexity.choices, default=Complexity.SIMPLE)
    customer = IdField(queryset=Customer.objects.all(), required=False, allow_null=True)
    category = IdField(
        queryset=Category.objects.filter(active=True), required=False, allow_null=True
    )
    intake_template = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=IntakeTemplate.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    team = IdField(queryset=Team.objects.all(), required=False, allow_null=True)
    assignee = IdField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    tags = TagListField(required=False)
    product = serializers.CharField(required=False, allow_blank=True, max_length=200)
    order_number = serializers.CharField(required=False, allow_blank=True, max_length=64)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    customer_demand = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    preferred_contact_time = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TicketChangeInput(InputSerializer):
    """Descriptive fields; status, priority and assignment have their own actions."""

    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    channel = serializers.ChoiceField(Channel.choices, required=False)
    kind = serializers.ChoiceField(Kind.choices, required=False)
    complexity = serializers.ChoiceField(Complexity.choices, required=False)
    category = IdField(
        queryset=Category.objects.filter(active=True), required=False, allow_null=True
    )
    product = serializers.CharField(required=False, allow_blank=True, max_length=200)
    order_number = serializers.CharField(required=False, allow_blank=True, max_length=64)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    customer_demand = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    preferred_contact_time = serializers.CharField(required=False, allow_blank=True, max_length=100)
    tags = TagListField(required=False)


class StatusInput(InputSerializer):
    status = serializers.ChoiceField(Status.choices)


class PriorityInput(InputSerializer):
    priority = serializers.ChoiceField(Priority.choices)


class AssignInput(InputSerializer):
    """`team` hands the ticket to another team; `assignee` null leaves it unassigned."""

    assignee = IdField(queryset=User.objects.filter(is_active=True), allow_null=True)
    team = IdField(queryset=Team.objects.all(), required=False)


class MessageInput(InputSerializer):
    body = serializers.CharField(max_length=20000)


class AttachmentInput(InputSerializer):
    file = serializers.FileField()


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = UserRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Attachment
        fields = (
            "id",
            "original_name",
            "content_type",
            "size_bytes",
            "sha256",
            "message",
            "uploaded_by",
            "created_at",
        )
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = TicketMessage
        fields = ("id", "kind", "author", "body", "created_at")
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(allow_null=True, read_only=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)

    class Meta:
        model = TicketEvent
        fields = ("id", "action", "field", "before", "after", "actor", "created_at")
        read_only_fields = fields


class Base64BytesField(serializers.CharField):
    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(MSG_NOT_BASE64) from None


class InboundEmailInput(InputSerializer):
    raw_base64 = Base64BytesField(help_text="The whole RFC 822 message, base64-encoded.")


class InboundEmailResultSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    reference = serializers.CharField()
    message = serializers.IntegerField(allow_null=True)
    created = serializers.BooleanField(help_text="A new ticket was opened.")
    duplicate = serializers.BooleanField(help_text="This Message-ID was already delivered.")
    skipped_attachments = serializers.ListField(child=serializers.CharField())
