"""/api/v1/customers/: profiles with personal data masked; an audited reveal discloses it."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from customers.importing import IMPORT_MAX_BYTES, customers_import
from customers.models import Customer, CustomerEvent
from customers.profile import customer_profile_sections, serialize_profile_sections
from customers.selectors import customer_purchases
from customers.services import (
    CONTACT_FIELDS,
    customer_create,
    customer_personal_data_reveal,
    customer_update,
    purchase_record,
)
from servicedesk.api.concurrency import expected_version
from servicedesk.api.pagination import OldestFirstPagination, StableCursorPagination
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet, detail_list_action

from .filters import CustomerFilter
from .serializers import (
    CustomerChangeInput,
    CustomerCreateInput,
    CustomerEventSerializer,
    CustomerImportInput,
    CustomerImportReportSerializer,
    CustomerProfileCustomerSerializer,
    CustomerProfileSerializer,
    CustomerSerializer,
    PurchaseInput,
    PurchaseSerializer,
    RevealInput,
    RevealSerializer,
)


class PurchasePagination(StableCursorPagination):
    """Latest purchase first (ties by the order they were recorded)."""

    ordering = ("-purchased_at", "-id")


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Customers. E-mail, phone and ID number are masked; `reveal` discloses one (audited)."""

    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ("id", "created_at", "updated_at")
    ordering = ("-id",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.CUSTOMERS_READ, "write": Scope.CUSTOMERS_WRITE}
    action_permissions = {
        "list": ["customers.view_customer"],
        "retrieve": ["customers.view_customer"],
        "create": ["customers.add_customer"],
        "partial_update": ["customers.change_customer"],
        "purchases": ["customers.view_customer", "customers.view_purchase"],
        "record_purchase": ["customers.view_customer", "customers.add_purchase"],
        "events": ["customers.view_customer"],
        "profile": ["customers.view_customer"],
        "import_csv": ["customers.view_customer", "customers.import_customers"],
        "reveal": ["customers.view_customer", "customers.view_customer_contact"],
    }
    # A reveal reads (it writes only its audit record): the read scope suffices.
    action_scopes = {"reveal": Scope.CUSTOMERS_READ}
    if_match_actions = frozenset({"partial_update"})
    etag_actions = frozenset({"retrieve", "create", "partial_update"})

    def get_queryset(self):
        customers = super().get_queryset()
        if self.action == "profile":
            # The level's code is part of the answer (advisor and team are ids).
            customers = customers.select_related("membership_level")
        return customers

    def _respond(self, customer, status_code=status.HTTP_200_OK):
        body = CustomerSerializer(customer, context={"request": self.request}).data
        return self.etag_response(Response(body, status=status_code), customer)

    def retrieve(self, request, pk=None):
        return self._respond(self.get_object())

    @extend_schema(
        summary="Register a customer",
        request=CustomerCreateInput,
        responses={201: CustomerSerializer},
    )
    def create(self, request):
        data = CustomerCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_create(actor=request.user, **data.validated_data)
        return self._respond(customer, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change contact details or tier (If-Match required for tokens)",
        request=CustomerChangeInput,
        responses={200: CustomerSerializer},
    )
    def partial_update(self, request, pk=None):
        customer = self.get_object()
        version = expected_version(request, customer)
        data = CustomerChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = customer_update(
            customer=customer,
            actor=request.user,
            contact={name: values[name] for name in CONTACT_FIELDS if name in values},
            tier=values.get("tier"),
            reason=values.get("reason", ""),
            expected_version=version,
        )
        return self._respond(customer)

    @extend_schema(
        summary="The customer's purchases, latest first",
        responses={200: PurchaseSerializer(many=True)},
        filters=False,
    )
    @detail_list_action(PurchasePagination)
    def purchases(self, request, pk=None):
        customer = self.get_object()
        page = self.paginate_queryset(customer_purchases(customer))
        return self.get_paginated_response(PurchaseSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a purchase (an order number once per customer: a repeat is 409)",
        request=PurchaseInput,
        responses={201: PurchaseSerializer},
    )
    @purchases.mapping.post
    def record_purchase(self, request, pk=None):
        customer = self.get_object()
        data = PurchaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        purchase = purchase_record(customer=customer, actor=request.user, **data.validated_data)
        return Response(PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The customer's history (tier, contact details, purchases), oldest first",
        responses={200: CustomerEventSerializer(many=True)},
        filters=False,
    )
    @detail_list_action(OldestFirstPagination)
    def events(self, request, pk=None):
        customer = self.get_object()
        events = CustomerEvent.objects.filter(customer=customer).select_related("actor")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(
            CustomerEventSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="The customer's profile: the same sections as the profile page",
        responses={200: CustomerProfileSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def profile(self, request, pk=None):
        customer = self.get_object()
        filled = customer_profile_sections(customer_ids=[customer.pk], user=request.user)
        return Response(
            {
                "customer": CustomerProfileCustomerSerializer(
                    customer, context={"request": request}
                ).data,
                "sections": serialize_profile_sections(request, filled[customer.pk]),
            }
        )

    @extend_schema(
        summary="Import customers from CSV: every row checked first; nothing imported if "
        "one is bad unless skip_bad_rows (each bad row named by line in fields.file)",
        request={"multipart/form-data": CustomerImportInput},
        responses={201: CustomerImportReportSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_csv(self, request):
        data = CustomerImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = customers_import(
            actor=request.user,
            content=upload.read(IMPORT_MAX_BYTES + 1),
            file_name=upload.name,
            skip_bad_rows=data.validated_data["skip_bad_rows"],
        )
        body = {
            "imported": [customer.pk for customer in report.imported],
            "already_registered": [
                {"line": line, "customer": customer.pk}
                for line, customer in report.already_registered
            ],
            "skipped": [
                {"line": problem.line, "column": problem.column, "message": problem.message}
                for problem in report.skipped
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reveal one personal-data value (e-mail, phone, ID number); audited",
        description="Needs the contact permission (403 otherwise, nothing recorded). Each "
        "call records a customer.contact_revealed event: who, which field, when.",
        request=RevealInput,
        responses={200: RevealSerializer},
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        customer = self.get_object()
        data = RevealInput(data=request.data)
        data.is_valid(raise_exception=True)
        field = data.validated_data["field"]
        value = customer_personal_data_reveal(customer=customer, actor=request.user, field=field)
        return Response(RevealSerializer({"field": field, "value": value}).data)
