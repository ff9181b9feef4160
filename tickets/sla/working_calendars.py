"""Turning a Calendar row into a WorkingCalendar, cached per calendar revision in-process.

Building a calendar reads its rows, the country's imported official years and China's
holiday tables; clocks are planned far more often than calendars change, so each process
keeps the built object until the row's revision changes (every edit of the calendar or its
hours and exceptions, and every import of an official year of its country, renews it).

Which date wins: a manual exception of the calendar, then an imported official year (it
replaces the `holidays` package's dates of that year entirely), then the package.
"""

import threading
from collections.abc import Iterable, Mapping
from datetime import date, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ServiceDeskError

from .calendar import WorkingCalendar
from .models import Calendar, ExceptionKind
from .official_data import imported_dates

MSG_CALENDAR_INVALID = _("Calendar “%(calendar)s” cannot be used: %(problem)s")


class CalendarError(ServiceDeskError):
    code = "calendar_invalid"
    default_message = _("The working calendar is not valid.")


_cache: dict[tuple, WorkingCalendar] = {}
_cache_lock = threading.Lock()


def _years_around(today: date) -> list[int]:
    # Clocks are planned from recent starts and can run into next year; older plans are
    # history and never recomputed, so a four-year window is enough and stays cheap.
    return list(range(today.year - 1, today.year + 3))


def build_working_calendar(
    *,
    time_zone: str,
    is_24x7: bool,
    country: str,
    hours: Iterable[tuple[int, time, time]],
    exceptions: Iterable[tuple[date, str]],
    years: Iterable[int],
    official_years: Mapping[int, Iterable[tuple[date, str]]] | None = None,
) -> WorkingCalendar:
    """Build from plain values; raises ValueError with the reason if they make no calendar.

    `official_years` (year -> [(date, kind)]) are the country's imported years: each
    replaces the package's dates of its year.
    """
    if is_24x7:
        return WorkingCalendar.always_open(time_zone)
    week: dict[int, list[tuple[time, time]]] = {}
    for weekday, starts_at, ends_at in hours:
        week.setdefault(weekday, []).append((starts_at, ends_at))
    manual_holidays = {day for day, kind in exceptions if kind == ExceptionKind.HOLIDAY}
    manual_workdays = {day for day, kind in exceptions if kind == ExceptionKind.WORKDAY}
    holidays: set[date] = set()
    workdays: set[date] = set()
    if country:
        official = WorkingCalendar.for_country(country, years, time_zone, week=week)
        holidays, workdays = set(official.holidays), set(official.workdays)
        for year, dates in (official_years or {}).items():
            holidays = {day for day in holidays if day.year != year}
            workdays = {day for day in workdays if day.year != year}
            holidays |= {day for day, kind in dates if kind == ExceptionKind.HOLIDAY}
            workdays |= {day for day, kind in dates if kind == ExceptionKind.WORKDAY}
    # A manual exception overrides the country's calendar for its date.
    holidays = (holidays - manual_workdays) | manual_holidays
    workdays = (workdays - manual_holidays) | manual_workdays
    return WorkingCalendar(time_zone, week, holidays=holidays, workdays=workdays)


def working_calendar(calendar: Calendar) -> WorkingCalendar:
    """The calendar's WorkingCalendar; raises CalendarError if its rows make no calendar."""
    today = timezone.localdate()
    key = (calendar.pk, calendar.revision, today.year)
    built = _cache.get(key)
    if built is not None:
        return built
    years = _years_around(today)
    official_years = {}
    if calendar.country and not calendar.is_24x7:
        official_years = imported_dates(calendar.country, years)
    try:
        built = build_working_calendar(
            time_zone=calendar.time_zone,
            is_24x7=calendar.is_24x7,
            country=calendar.country,
            hours=calendar.hours.values_list("weekday", "starts_at", "ends_at"),
            exceptions=calendar.exceptions.values_list("date", "kind"),
            years=years,
            official_years=official_years,
        )
    except ValueError as error:
        raise CalendarError(
            MSG_CALENDAR_INVALID % {"calendar": calendar.name, "problem": error}
        ) from error
    with _cache_lock:
        # Older revisions of this calendar are dead weight once a newer one is built.
        for stale in [k for k in _cache if k[0] == calendar.pk]:
            del _cache[stale]
        _cache[key] = built
    return built
