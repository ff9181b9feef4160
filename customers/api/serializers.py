"""Customer representations: contact details masked unless the user may see them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.masking import customer_contact_for
from customers.models import Customer, Language, Tier
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
