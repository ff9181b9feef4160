"""What quality does when a lower app's signal says service ended: send the survey."""

from tickets.models import Kind

from .models import SurveyKind
from .surveys import survey_send


def send_survey_for_resolved_ticket(sender, *, ticket, actor, at, **kwargs) -> None:
    # A complaint's survey follows its close (complaint_closed), which resolves the ticket.
    if ticket.kind == Kind.COMPLAINT:
        return
    survey_send(ticket=ticket, actor=actor, at=at, kind=SurveyKind.TICKET)


def send_survey_for_closed_complaint(sender, *, complaint, actor, at, **kwargs) -> None:
    survey_send(ticket=complaint.ticket, actor=actor, at=at, kind=SurveyKind.COMPLAINT)
