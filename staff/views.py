"""Staff pages for supervisors (their teams' members) and managers (everyone): the list
with levels, teams, approval limits and training shortfalls; one person's profile and
training records. Thin: staff.services decide and record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk.exceptions import ServiceDeskError

from .forms import StaffProfileForm, TrainingRecordForm, add_service_error
from .models import StaffProfile
from .selectors import staff_editable_by, training_records_of
from .services import limits_of, staff_profile_update, training_record_add
from .training import training_statuses

INVALID = 422
EDIT_PERMISSION = "staff.change_staffprofile"


def _refused_status(error: ServiceDeskError) -> int:
    return INVALID if error.status_code == 400 else error.status_code


@login_required
@permission_required(EDIT_PERMISSION, raise_exception=True)
@require_GET
def staff_list(request):
    people = list(staff_editable_by(request.user))
    year = timezone.localdate().year
    statuses = {status.user.pk: status for status in training_statuses(year=year)}
    rows = [(person, statuses.get(person.pk)) for person in people]
    return render(request, "staff/list.html", {"rows": rows, "year": year})


def _profile_page(request, user, profile_form, training_form, status=200):
    year = timezone.localdate().year
    training = next((s for s in training_statuses(year=year) if s.user.pk == user.pk), None)
    context = {
        "person": user,
        "form": profile_form,
        "training_form": training_form,
        "records": training_records_of(user),
        "training": training,
        "year": year,
    }
    return render(request, "staff/profile.html", context, status=status)


@login_required
@permission_required(EDIT_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_profile(request, user_id: int):
    user = get_object_or_404(staff_editable_by(request.user), pk=user_id)
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    initial = StaffProfileForm.initial_for(profile, limits_of(user))
    if request.method == "GET":
        form = StaffProfileForm(initial=initial, user=user)
        return _profile_page(request, user, form, TrainingRecordForm())
    form = StaffProfileForm(request.POST, initial=initial, user=user)
    status = INVALID
    if form.is_valid():
        try:
            staff_profile_update(user=user, actor=request.user, changes=form.changes())
        except ServiceDeskError as error:
            add_service_error(form, error)
            status = _refused_status(error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("staff:profile", user_id=user.pk)
    return _profile_page(request, user, form, TrainingRecordForm(), status)


@login_required
@permission_required("staff.add_trainingrecord", raise_exception=True)
@require_POST
def training_add(request, user_id: int):
    user = get_object_or_404(staff_editable_by(request.user), pk=user_id)
    form = TrainingRecordForm(request.POST)
    status = INVALID
    if form.is_valid():
        try:
            training_record_add(user=user, actor=request.user, **form.cleaned_data)
        except ServiceDeskError as error:
            add_service_error(form, error)
            status = _refused_status(error)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("staff:profile", user_id=user.pk)
    profile = StaffProfile.objects.get(user=user)
    profile_form = StaffProfileForm(
        initial=StaffProfileForm.initial_for(profile, limits_of(user)), user=user
    )
    return _profile_page(request, user, profile_form, form, status)
