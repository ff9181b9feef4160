"""`{% personal_value customer "email" %}`: a customer's e-mail, phone or ID number as
the page may show it — masked, with a reveal button (audited) for users who may see it."""

from django import template

from customers.masking import can_see_contact, mask_value

register = template.Library()


@register.inclusion_tag("customers/_personal_value.html", takes_context=True)
def personal_value(context, customer, field: str):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    masked = mask_value(field, getattr(customer, field))
    return {
        "customer": customer,
        "field": field,
        "masked": masked,
        "can_reveal": bool(masked) and can_see_contact(user),
        "csrf_token": context.get("csrf_token"),
    }
