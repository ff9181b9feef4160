"""Choosing the customer on the ticket and complaint forms: search first, then register a
new one if none matches — never a drop-down of every customer.

The forms inherit `CustomerPickerForm`; the page renders `customers/_customer_picker.html`
with `customer_picker_context`. Typing searches through htmx (`customers:pick`); without
script the "Find" button posts the form back with the matches and writes nothing.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .masking import customer_contact_for
from .models import Customer, Language
from .selectors import customers_matching

# The picker offers this many matches; a longer list means the text should be longer.
PICKER_RESULTS = 10
# The submit button that asks for matches instead of saving the form (works without script).
FIND_BUTTON = "find_customer"
SEARCH_FIELD = "customer_q"
SEARCH_MAX_LENGTH = 200

MSG_BOTH = _("Choose an existing customer or enter a new one, not both.")
MSG_NEW_NAME = _("A new customer needs a name.")


class CustomerPickerForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), required=False
    )
    new_customer_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    new_customer_email = forms.EmailField(label=_("E-mail"), required=False)
    new_customer_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    new_customer_language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.ZH_HANS, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page renders the customer as radio choices from a search (never a select of
        # every customer); a plain widget keeps its errors out of the hidden-field list.
        self.fields["customer"].widget = forms.TextInput()

    def clean(self):
        cleaned = super().clean()
        has_new = any(
            cleaned.get(name)
            for name in ("new_customer_name", "new_customer_email", "new_customer_phone")
        )
        if cleaned.get("customer") and has_new:
            self.add_error("customer", MSG_BOTH)
        elif has_new and not cleaned.get("new_customer_name"):
            self.add_error("new_customer_name", MSG_NEW_NAME)
        return cleaned

    def new_customer_fields(self) -> dict | None:
        """customer_create's keyword arguments for a first-time customer, else None."""
        if not self.cleaned_data.get("new_customer_name"):
            return None
        return {
            "name": self.cleaned_data["new_customer_name"].strip(),
            "email": self.cleaned_data.get("new_customer_email") or "",
            "phone": (self.cleaned_data.get("new_customer_phone") or "").strip(),
            "language": self.cleaned_data.get("new_customer_language") or Language.ZH_HANS,
        }


def picker_search_text(data) -> str:
    return (data.get(SEARCH_FIELD) or "")[:SEARCH_MAX_LENGTH].strip()


def customer_matches(user, text: str) -> list[tuple[Customer, dict]]:
    """The customers the picker offers for a text, each with its contact as this user may
    see it (by any part of the name, or a whole e-mail address or phone number)."""
    found = customers_matching(text, limit=PICKER_RESULTS)
    return [(customer, customer_contact_for(user, customer)) for customer in found]


def finding_customer(request) -> bool:
    """The form was posted with "Find" (no script): show matches, save nothing."""
    return request.method == "POST" and FIND_BUTTON in request.POST


def customer_picker_context(request, form: CustomerPickerForm) -> dict:
    data = request.POST if request.method == "POST" else request.GET
    text = picker_search_text(data)
    chosen = form["customer"].value() if form.is_bound else form.initial.get("customer")
    chosen_customer = (
        Customer.objects.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None
    )
    matches = [
        match
        for match in customer_matches(request.user, text)
        if chosen_customer is None or match[0].pk != chosen_customer.pk
    ]
    return {
        "customer_q": text,
        "customer_results": matches,
        "customer_searched": bool(text),
        "chosen_customer": chosen_customer,
        "chosen_contact": (
            customer_contact_for(request.user, chosen_customer) if chosen_customer else None
        ),
    }
