"""Reads of the staff pages: whom the viewer may edit, with what the list shows, in a
fixed number of queries."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from .models import StaffApprovalLimit, Team, TrainingRecord
from .services import MANAGE_ALL_PERMISSION


def staff_editable_by(actor) -> QuerySet:
    """Managers: everyone with a staff profile; a supervisor: the members of the teams
    they supervise (not themselves)."""
    users = (
        get_user_model()
        .objects.filter(staff_profile__isnull=False)
        .select_related("staff_profile__mentor")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            Prefetch(
                "staff_profile__approval_limits",
                queryset=StaffApprovalLimit.objects.order_by("currency"),
            ),
        )
        .order_by("username")
    )
    if actor.has_perm(MANAGE_ALL_PERMISSION):
        return users
    return users.filter(teams__supervisor=actor).exclude(pk=actor.pk).distinct()


def training_records_of(user) -> list[TrainingRecord]:
    return list(TrainingRecord.objects.filter(user=user).order_by("-started_on", "-pk"))
