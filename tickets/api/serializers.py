"""Ticket representations and request bodies. Shape and types only; services decide."""

import base64
import binascii

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Customer
from servicedesk.api.serializers import InputSerializer
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
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.sla import selectors as sla_selectors

User = get_user_model()

MAX_TAGS = 20
MSG_NOT_BASE64 = _("Not valid base64.")


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    path = serializers.CharField()


class SlaClockSerializer(serializers.Serializer):
    """One SLA clock of the ticket (first response, resolution, …), every one shown."""

    metric = serializers.CharField()
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    warn_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)
    escalation_level = serializers.IntegerField()


def ticket_clocks(ticket) -> list:
    """Every clock of the ticket, each shown separately (prefetched by the views)."""
    return sla_selectors.ticket_clocks(ticket)


class TicketSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(allow_null=True, read_only=True)
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
        return [tag.name for tag in ticket.tags.all()]

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, ticket) -> list[dict]:
        return SlaClockSerializer(ticket_clocks(ticket), many=True).data


class TagListField(serializers.ListField):
    child = serializers.CharField(max_length=50, allow_blank=False)
    max_length = MAX_TAGS


class TicketCreateInput(InputSerializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    channel = serializers.ChoiceField(Channel.choices, default=Channel.API)
    kind = serializers.ChoiceField(Kind.choices, default=Kind.REQUEST)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    complexity = serializers.ChoiceField(Complexity.choices, default=Complexity.SIMPLE)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(active=True), required=False, allow_null=True
    )
    intake_template = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=IntakeTemplate.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
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
    category = serializers.PrimaryKeyRelatedField(
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

    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)


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
