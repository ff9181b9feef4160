"""SLA engine services (start, pause, resume, meet, re-plan clocks).

Placeholder entry points until the SLA engine lands (issue #4): the ticket services
already call them at the right moments.
"""

from datetime import datetime


def sla_ticket_created(*, ticket, at: datetime) -> None:
    return None


def sla_public_reply(*, ticket, at: datetime) -> None:
    return None


def sla_customer_message(*, ticket, at: datetime) -> None:
    return None


def sla_status_changed(*, ticket, before: str, after: str, at: datetime) -> None:
    return None


def sla_replan(*, ticket, at: datetime) -> None:
    return None


def sla_complaint_received(*, ticket, at: datetime) -> None:
    return None


def sla_complaint_stage_entered(*, ticket, stage: str, at: datetime) -> None:
    return None
