"""The reveal of one masked personal-data value on a page (htmx): audited, or 403."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from .models import PERSONAL_DATA_FIELDS, Customer
from .services import customer_personal_data_reveal


@login_required
@permission_required("customers.view_customer", raise_exception=True)
@require_POST
def reveal(request, pk: int, field: str):
    if field not in PERSONAL_DATA_FIELDS:
        raise Http404
    customer = get_object_or_404(Customer, pk=pk)
    # PermissionDenied (403, nothing written) without the contact permission.
    value = customer_personal_data_reveal(customer=customer, actor=request.user, field=field)
    context = {"customer": customer, "field": field, "value": value, "revealed": True}
    if request.htmx:
        return render(request, "customers/_personal_value.html", context)
    # Without script the button's form posts here as a page: show the value on one.
    return render(request, "customers/revealed.html", context)
