"""What a complaint's SLA clocks measure, as the complaint page explains them.

The meanings are the rules the SLA engine applies (requirements §7, "How the rows fit
together"); whether a clock stands still while the ticket waits on the customer is read
from the target it runs under, so the page says what the engine does.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tickets.sla.models import Clock, Metric

from .models import Complaint

CLOCK_MEANINGS = {
    Metric.COMPLAINT_FIRST_CONTACT: _(
        "Met only by contact that happened: a reply sent to the customer's e-mail address, "
        "or a call, visit or message recorded with its time, channel and who made it."
    ),
    Metric.COMPLAINT_RESPONSE: _(
        "Met when the complaint is accepted and the answer has reached the customer: the "
        "contact made at acceptance, or a later delivered reply or recorded contact. It does "
        "not wait for the investigation."
    ),
    Metric.RESOLUTION: _(
        "Met when the complaint is closed with its written handling report; never due "
        "before the response."
    ),
}


@dataclass(frozen=True)
class ClockDefinition:
    metric: str
    label: str
    meaning: str
    # None: no target applies to this complaint (no clock, or its target was removed).
    pauses_while_waiting_on_customer: bool | None


def complaint_clock_definitions(complaint: Complaint) -> list[ClockDefinition]:
    """First contact, response and resolution: what each means and whether it pauses."""
    clocks = Clock.objects.filter(ticket_id=complaint.ticket_id, metric__in=list(CLOCK_MEANINGS))
    targets = {
        clock.metric: clock.target
        for clock in clocks.select_related("target").order_by("metric", "cycle", "pk")
    }
    return [
        ClockDefinition(
            metric=metric,
            label=Metric(metric).label,
            meaning=meaning,
            pauses_while_waiting_on_customer=(
                targets[metric].pauses_while_waiting_on_customer
                if targets.get(metric) is not None
                else None
            ),
        )
        for metric, meaning in CLOCK_MEANINGS.items()
    ]
