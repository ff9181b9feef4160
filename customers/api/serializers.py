"""Customer representations: contact details masked unless the user may see them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.masking import can_see_contact, customer_contact_for, mask_email, mask_phone
from customers.models import Customer, CustomerEvent, Language, Purchase, Tier
from servicedesk.api.serializers import InputSerializer


class CustomerSerializer(serializers.ModelSerializer):
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ("id", "name", "email", "phone", "language", "tier", "created_at", "updated_at")
        read_only_fields = fields

    def _contact(self, customer) -> dict[str, str]:
        return customer_contact_for(self.context["request"].user, customer)

    @extend_schema_field(serializers.CharField(help_text="Masked without contact permission."))
    def get_email(self, customer) -> str:
        return self._contact(customer)["email"]

    @extend_schema_field(serializers.CharField(help_text="Masked without contact permission."))
    def get_phone(self, customer) -> str:
        return self._contact(customer)["phone"]


class CustomerCreateInput(InputSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    language = serializers.ChoiceField(Language.choices, default=Language.ZH_HANS)


class CustomerChangeInput(InputSerializer):
    """Contact details and tier; a tier change needs a reason (it is audited)."""

    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
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


_MASKS = {"email": mask_email, "phone": mask_phone}


class CustomerEventSerializer(serializers.ModelSerializer):
    """One entry of the customer's history; contact values masked as on the profile."""

    actor = ActorRefSerializer(allow_null=True, read_only=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = CustomerEvent
        fields = ("id", "action", "changes", "reason", "actor", "created_at")
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(help_text="field → [before, after]"))
    def get_changes(self, event) -> dict:
        if can_see_contact(self.context["request"].user):
            return event.changes
        return {
            name: [_MASKS[name](value or "") for value in pair] if name in _MASKS else pair
            for name, pair in event.changes.items()
        }


class CustomerProfileCustomerSerializer(CustomerSerializer):
    """The customer at the head of the profile: the list's fields and what only the
    profile shows."""

    class Meta(CustomerSerializer.Meta):
        fields = (*CustomerSerializer.Meta.fields, "kind", "birthday", "preference_tags")
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
