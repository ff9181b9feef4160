"""CSV export of customers (`/customers/export.csv`): personal data masked for every role.

A spreadsheet leaves the system's control (mailed on, kept on laptops), so it never
carries clear e-mail, phone or ID numbers, whoever downloads it; a user with the contact
permission reveals single values on the page or through the API, each reveal audited.
"""

import csv

from django.contrib.auth.decorators import login_required, permission_required
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .masking import customer_contact_masked
from .models import Customer, Tier

CHUNK = 2000


class _Echo:
    def write(self, value):
        return value


def customer_csv_lines(customers):
    """The export's lines (header first), streamed: customers read in chunks."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM so that spreadsheet programs read the Chinese names
    yield writer.writerow(
        [_("ID"), _("Name"), _("Tier"), _("Language"), _("E-mail"), _("Phone"), _("ID number")]
    )
    for customer in customers.iterator(chunk_size=CHUNK):
        masked = customer_contact_masked(customer)
        yield writer.writerow(
            [
                customer.pk,
                customer.name,
                customer.get_tier_display(),
                customer.get_language_display(),
                masked["email"],
                masked["phone"],
                masked["id_number"],
            ]
        )


@login_required
@permission_required("customers.view_customer", raise_exception=True)
@require_GET
def export_csv(request):
    customers = Customer.objects.order_by("pk")
    tier = request.GET.get("tier")
    if tier in Tier.values:
        customers = customers.filter(tier=tier)
    response = StreamingHttpResponse(
        customer_csv_lines(customers), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response
