"""/api/v1/customers/: profiles with contact details disclosed by role."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from customers.models import Customer
from customers.services import customer_create
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet

from .filters import CustomerFilter
from .serializers import CustomerCreateInput, CustomerSerializer


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Customers. E-mail and phone are masked unless the user may see contact details."""

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
    }

    @extend_schema(
        summary="Register a customer",
        request=CustomerCreateInput,
        responses={201: CustomerSerializer},
    )
    def create(self, request):
        data = CustomerCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_create(actor=request.user, **data.validated_data)
        body = CustomerSerializer(customer, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
