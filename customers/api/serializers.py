"""Customer representations: personal data always masked (revealed only through
POST /api/v1/customers/{id}/reveal/, audited; customers/masking.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.masking import customer_contact_masked, mask_changes
from customers.models import (
    PERSONAL_DATA_FIELDS,
    Customer,
    CustomerAction,
    CustomerEvent,
    Language,
    Purchase,
    Tier,
)
from servicedesk.api.serializers import InputSerializer

MASKED = "Masked; POST …/reveal/ discloses it (contact permission, audited)."


class CustomerSerializer(serializers.ModelSerializer):
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = (
            "id",
            "name",
            "email",
            "phone",
            "id_number",
            "language",
            "tier",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=MASKED))
    def get_email(self, customer) -> str:
        return customer_contact_masked(customer)["email"]

    @extend_schema_field(serializers.CharField(help_text=MASKED))
    def get_phone(self, customer) -> str:
        return customer_contact_masked(customer)["phone"]

    @extend_schema_field(serializers.CharField(help_text=MASKED))
    def get_id_number(self, customer) -> str:
        return customer_contact_masked(customer)["id_number"]


class RevealInput(InputSerializer):
    field = serializers.ChoiceField(PERSONAL_DATA_FIELDS)


class RevealSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class CustomerCreateInput(InputSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    language = serializers.ChoiceField(Language.choices, default=Language.ZH_HANS)


class CustomerChangeInput(InputSerializer):
    """Contact details and tier; a tier change needs a reason (it is audited)."""

    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    language = serializers.ChoiceField(Language.choices, required=False)
    tier = serializers.ChoiceField(Tier.choices, required=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text="Why the tier changes."
    )


class PurchaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Purchase
        fields = (
            "id",
            "order_number",
            "product",
            "amount",
            "currency",
            "channel",
            "purchased_at",
            "created_at",
        )
        read_only_fields = fields


class PurchaseInput(InputSerializer):
    order_number = serializers.CharField(max_length=64)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.CharField(
        max_length=3, min_length=3, default="CNY", help_text="ISO 4217 code, e.g. CNY."
    )
    purchased_at = serializers.DateTimeField()
    product = serializers.CharField(max_length=200, required=False, allow_blank=True)
    channel = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text="Where it was sold."
    )


class ActorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class CustomerEventSerializer(serializers.ModelSerializer):
    """One entry of the customer's history; personal data masked (as it is recorded)."""

    actor = ActorRefSerializer(allow_null=True, read_only=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = CustomerEvent
        fields = ("id", "action", "changes", "reason", "actor", "created_at")
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(help_text="field → [before, after]"))
    def get_changes(self, event) -> dict:
        # Recorded masked already (services, migration 0010); masked again in case a
        # value ever slipped in by another path.
        if event.action == CustomerAction.CONTACT_REVEALED:
            return event.changes
        return mask_changes(event.changes)


class CustomerProfileCustomerSerializer(CustomerSerializer):
    """The customer at the head of the profile: the list's fields and what only the
    profile shows."""

    membership_level = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The level's code; null: the lowest rung."
    )

    class Meta(CustomerSerializer.Meta):
        fields = (
            *CustomerSerializer.Meta.fields,
            "kind",
            "birthday",
            "preference_tags",
            "membership_level",
            "advisor",
            "advisor_team",
        )
        read_only_fields = fields


class CustomerProfileSerializer(serializers.Serializer):
    """The same as the profile page: the customer and each section this user may see,
    by its name (segment, purchases, tickets, complaints, satisfaction, and what other
    apps register)."""

    customer = CustomerProfileCustomerSerializer()
    sections = serializers.DictField(
        help_text="Section name → its content; sections the user may not see are absent."
    )


class CustomerImportInput(InputSerializer):
    file = serializers.FileField(help_text="CSV, UTF-8 (with or without BOM) or GBK.")
    skip_bad_rows = serializers.BooleanField(
        default=False, help_text="Import the good rows and report the bad ones."
    )


class ImportedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    customer = serializers.IntegerField()


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class CustomerImportReportSerializer(serializers.Serializer):
    imported = serializers.ListField(child=serializers.IntegerField(), help_text="New ids.")
    already_registered = ImportedLineSerializer(many=True)
    skipped = ImportProblemSerializer(many=True)
