"""The agents' page of care tasks: list, done, skip."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

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


def _handle(request, pk, service, done_message):
    contact = get_object_or_404(CareContact, pk=pk)
    form = CareTaskForm(request.POST)
    if not form.is_valid():
        return _page(request, status=422, failed_pk=pk, form=form)
    try:
        service(contact=contact, actor=request.user, note=form.cleaned_data["note"])
    except ServiceDeskError as error:
        for field, errors in error.fields.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return _page(request, status=error.status_code, failed_pk=pk, form=form)
    messages.success(request, done_message)
    return redirect("care:tasks")


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def care_task_done(request, pk: int):
    return _handle(request, pk, care_task_complete, _("The care task is done."))


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def care_task_skipped(request, pk: int):
    return _handle(request, pk, care_task_skip, _("The care task was skipped."))
