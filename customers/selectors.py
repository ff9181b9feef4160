"""Read queries for customers, shared by pages and the API."""

from django.db.models import QuerySet

from .models import Customer, Purchase


def customers_named(text: str, *, limit: int = 10) -> QuerySet[Customer]:
    """Customers whose name contains the text (search by name only: contact details are
    masked for agents, so they must not be searchable by them either)."""
    text = (text or "").strip()
    if not text:
        return Customer.objects.none()
    return Customer.objects.filter(name__icontains=text).order_by("name", "pk")[:limit]


def customer_purchases(customer: Customer) -> QuerySet[Purchase]:
    """The customer's purchases, latest first."""
    return Purchase.objects.filter(customer=customer).order_by("-purchased_at", "-pk")
