"""Who may handle a complaint and how much compensation each staff level may grant.

Who may handle comes from a table an administrator edits (ComplaintAuthority, seeded by
migration 0002); how much each person may grant is on their staff profile (staff's
StaffApprovalLimit, one home for it, edited by their supervisor or a manager).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ValidationError
from staff.models import StaffApprovalLimit, StaffLevel
from tickets.models import Kind, Status

from .models import LEVEL_ORDER, Complaint, ComplaintAuthority, Severity

MSG_NO_AUTHORITY = _(
    "%(severity)s complaints are handled by a %(level)s or above; your level is %(yours)s."
)
MSG_NOT_STAFF = _("Only staff with a staff profile may handle complaints.")
MSG_ASSIGNEE_NO_AUTHORITY = _(
    "%(user)s cannot be assigned this complaint: %(severity)s complaints are handled by a "
    "%(level)s or above."
)

# Used only if an administrator deleted a row of the table [S0 §03].
DEFAULT_MINIMUM_LEVEL = {
    Severity.URGENT: StaffLevel.MANAGER,
    Severity.IMPORTANT: StaffLevel.SUPERVISOR,
    Severity.ROUTINE: StaffLevel.JUNIOR,
}


def staff_level_of(user) -> str | None:
    """The user's career level; a superuser counts as a manager."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return StaffLevel.MANAGER
    profile = getattr(user, "staff_profile", None)
    return profile.level if profile is not None else None


def level_rank(level: str | None) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1


def minimum_level_for(severity: str) -> str:
    row = ComplaintAuthority.objects.filter(severity=severity).first()
    return row.minimum_level if row else DEFAULT_MINIMUM_LEVEL[severity]


def is_within_authority(user, severity: str) -> bool:
    return level_rank(staff_level_of(user)) >= level_rank(minimum_level_for(severity))


def require_authority(user, severity: str, *, field: str | None = None) -> None:
    level = staff_level_of(user)
    if level is None:
        raise AuthorityError(MSG_NOT_STAFF, field=field)
    minimum = minimum_level_for(severity)
    if level_rank(level) < level_rank(minimum):
        raise AuthorityError(
            MSG_NO_AUTHORITY
            % {
                "severity": Severity(severity).label,
                "level": StaffLevel(minimum).label,
                "yours": StaffLevel(level).label,
            },
            field=field,
        )


def approval_limit_of(user, currency: str) -> Decimal:
    """The most this user may grant on their own in this currency: their staff profile's
    limit (0 if none is set, or no profile)."""
    if user is None or not user.is_authenticated:
        return Decimal("0")
    amount = (
        StaffApprovalLimit.objects.filter(profile__user=user, currency=currency)
        .values_list("amount", flat=True)
        .first()
    )
    return amount if amount is not None else Decimal("0")


# Handling a complaint's ticket: the same table as stage moves decides who may be assigned
# it, reply to the customer (which meets first contact) or pause it for the customer.
PAUSING_STATUSES = frozenset({Status.PENDING_CUSTOMER})


def complaint_handling_guard(ticket, act) -> None:
    """Registered with the ticket services (apps.py): assigning, replying and pausing a
    complaint need the authority of its severity [S0 §03]."""
    if ticket.kind != Kind.COMPLAINT:
        return
    complaint = Complaint.objects.filter(ticket=ticket).only("severity").first()
    if complaint is None:
        return
    severity = complaint.severity
    if act.action == act.ASSIGN:
        if not is_within_authority(act.assignee, severity):
            raise ValidationError(
                MSG_ASSIGNEE_NO_AUTHORITY
                % {
                    "user": act.assignee.get_full_name() or act.assignee.get_username(),
                    "severity": Severity(severity).label,
                    "level": StaffLevel(minimum_level_for(severity)).label,
                },
                field="assignee",
            )
    elif act.action == act.REPLY:
        require_authority(act.actor, severity, field="body")
    elif act.action == act.STATUS and act.status in PAUSING_STATUSES:
        require_authority(act.actor, severity, field="status")
