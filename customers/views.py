"""Customer pages: the list with its search, and the profile."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from servicedesk.exceptions import ServiceDeskError

from .forms import CustomerImportForm
from .importing import COLUMNS, IMPORT_MAX_BYTES, customers_import
from .masking import customer_contact_for
from .models import Customer
from .picker import customer_matches, picker_search_text
from .profile import customer_profile_sections, render_profile_sections
from .selectors import customer_search

VIEW_PERMISSION = "customers.view_customer"
IMPORT_PERMISSION = "customers.import_customers"
INVALID = 422
LIST_PAGE_SIZE = 25
# A search text longer than this is no name, address or number.
SEARCH_MAX_LENGTH = 200


def _require_view_permission(request) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


@login_required
@require_GET
def customer_list(request):
    _require_view_permission(request)
    text = request.GET.get("q", "")[:SEARCH_MAX_LENGTH].strip()
    page = Paginator(customer_search(text), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(customer, customer_contact_for(request.user, customer)) for customer in page]
    return render(request, "customers/list.html", {"q": text, "page": page, "rows": rows})


@login_required
@require_GET
def profile(request, pk: int):
    _require_view_permission(request)
    customer = (
        Customer.objects.select_related("membership_level", "advisor", "advisor_team")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise Http404
    filled = customer_profile_sections(customer_ids=[customer.pk], user=request.user)
    context = {
        "customer": customer,
        "contact": customer_contact_for(request.user, customer),
        "sections": render_profile_sections(request, customer, filled[customer.pk]),
    }
    return render(request, "customers/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_import(request):
    """Managers import customers from a CSV file: all rows or (if asked) the good ones."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    report, status = None, 200
    if request.method == "POST":
        form = CustomerImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = customers_import(
                    actor=request.user,
                    content=upload.read(IMPORT_MAX_BYTES + 1),
                    file_name=upload.name,
                    skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                )
            except ServiceDeskError as error:
                problems = [str(message) for message in error.fields.get("file", [])]
                form.add_error("file", problems or [str(error.message)])
                if str(error.message) not in problems:
                    form.add_error(None, str(error.message))
        if report is None:
            status = INVALID
        else:
            form = CustomerImportForm()
    else:
        form = CustomerImportForm()
    context = {"form": form, "report": report, "columns": list(COLUMNS)}
    return render(request, "customers/import.html", context, status=status)


@login_required
@require_GET
def pick(request):
    """htmx: the customers matching the picker's text, as choices for a new ticket or
    complaint (the forms post back with "Find" when there is no script)."""
    _require_view_permission(request)
    text = picker_search_text(request.GET)
    context = {
        "customer_results": customer_matches(request.user, text),
        "customer_searched": bool(text),
    }
    return render(request, "customers/_customer_options.html", context)
