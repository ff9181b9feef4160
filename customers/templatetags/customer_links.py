"""`{{ customer|customer_link }}`: a customer's name wherever it is shown, linked to the
profile (one filter, so every list and page links the same way)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.filter
def customer_link(customer, empty="—"):
    if customer is None:
        return empty
    return format_html(
        '<a class="customer-link" href="{}">{}</a>',
        reverse("customers:profile", args=[customer.pk]),
        customer.name,
    )
