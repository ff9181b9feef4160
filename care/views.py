"""The agents' page of care tasks: list, done, skip."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.models import Customer
from customers.services import customer_care_opt_in, customer_care_opt_out
from servicedesk.exceptions import ServiceDeskError

from .models import CareContact
from .selectors import care_tasks_for
from .services import care_task_complete, care_task_skip

PERMISSION = "care.view_carecontact"


class CareTaskForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("How it went, or why not")}),
    )


def _page(request, *, status=200, failed_pk=None, form=None):
    tasks = list(care_tasks_for(request.user))
    return render(
        request,
        "care/tasks.html",
        {"tasks": tasks, "failed_pk": failed_pk, "failed_form": form, "form": CareTaskForm()},
        status=status,
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def care_tasks(request):
    return _page(request)


def _handle(request, contact_id, service, done_message):
    contact = get_object_or_404(CareContact, pk=contact_id)
    form = CareTaskForm(request.POST)
    if not form.is_valid():
        return _page(request, status=422, failed_pk=contact_id, form=form)
    try:
        service(contact=contact, actor=request.user, note=form.cleaned_data["note"])
    except ServiceDeskError as error:
        for field, errors in error.fields.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return _page(request, status=error.status_code, failed_pk=contact_id, form=form)
    messages.success(request, done_message)
    return redirect("care:tasks")


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def care_task_done(request, contact_id: int):
    return _handle(request, contact_id, care_task_complete, _("The care task is done."))


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def care_task_skipped(request, contact_id: int):
    return _handle(request, contact_id, care_task_skip, _("The care task was skipped."))


class OptOutForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("How the customer asked"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. on the phone today")}),
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def care_opt_out(request, pk: int):
    """Record the customer's opt-out of care contacts, or lift it, with how they asked."""
    customer = get_object_or_404(Customer, pk=pk)
    form = OptOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = customer_care_opt_in if customer.care_opted_out_at else customer_care_opt_out
        try:
            service(customer=customer, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceDeskError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("The customer's choice about care contacts is recorded."))
            return redirect("customers:profile", pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "care/opt_out.html", {"customer": customer, "form": form}, status=status)
