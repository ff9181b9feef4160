"""When a plan's tasks fall due: template durations counted from the moment the plan is
made, in calendar hours or in business days on the plans' working calendar."""

from datetime import datetime, timedelta

from django.conf import settings

from tickets.sla.calendar import WorkingCalendar
from tickets.sla.models import Calendar
from tickets.sla.working_calendars import working_calendar

from .models import DurationUnit, PlanTask


def plans_calendar() -> WorkingCalendar:
    """The working calendar of plan tasks and of the case owners' mornings
    (settings.PLANS_CALENDAR, by name; China's working calendar by default)."""
    calendar = Calendar.objects.filter(name=settings.PLANS_CALENDAR).first()
    if calendar is None:
        return WorkingCalendar.always_open(settings.TIME_ZONE)
    return working_calendar(calendar)


def due_after(start: datetime, duration: int, unit: str, calendar: WorkingCalendar) -> datetime:
    if unit == DurationUnit.BUSINESS_DAYS:
        return calendar.add(start, duration * calendar.business_day)
    return start + timedelta(hours=duration)


def schedule_template_tasks(plan, at: datetime) -> None:
    """Give every task that has a duration and no due time its due time from `at`."""
    tasks = list(PlanTask.objects.filter(plan=plan, due_at__isnull=True))
    if not tasks:
        return
    calendar = plans_calendar()
    for task in tasks:
        task.due_at = due_after(at, task.duration, task.duration_unit, calendar)
    PlanTask.objects.bulk_update(tasks, ["due_at"])
