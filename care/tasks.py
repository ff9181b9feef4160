"""Celery entry points of the care programme: thin, idempotent, calling one service."""

from celery import shared_task

from .planning import care_day_plan


@shared_task(name="care.tasks.care_day_plan_task", acks_late=True)
def care_day_plan_task() -> int:
    """Plan and send today's care contacts. Safe to run twice: every occasion is planned
    once per customer (a unique key), so a repeat finds nothing new."""
    return care_day_plan().planned
