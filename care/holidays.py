"""Which days open a holiday the care programme greets, from the SLA calendars' own data.

The dates come from the working calendar the SLA engine builds (the `holidays` package,
the country's imported official years and the calendar's manual exceptions), so a
greeting never falls on a day the desk counts as an ordinary workday. A holiday *period*
is a run of holidays joined by days off (the Spring Festival's break across a weekend is
one period, a make-up workday ends it); it is greeted once, on its first day. Names come
from the package in the customer's language, or from the imported official year.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from tickets.sla.models import Calendar
from tickets.sla.official_data import imported_holiday_name
from tickets.sla.working_calendars import working_calendar

# Languages of customers (customers.models.Language) → the package's language codes.
PACKAGE_LANGUAGES = {"zh-hans": "zh_CN", "en": "en_US"}


@dataclass(frozen=True)
class HolidayPeriod:
    first_day: date
    names: dict[str, str]  # customer language → the holiday's name


def _is_day_off(calendar, day: date) -> bool:
    if day in calendar.holidays:
        return True
    return day not in calendar.workdays and not calendar.week.get(day.weekday())


def _opens_period(calendar, day: date) -> bool:
    if day not in calendar.holidays:
        return False
    before = day - timedelta(days=1)
    # Walk back over days off: a holiday among them means the period began earlier.
    for _step in range(7):
        if before in calendar.holidays:
            return False
        if not _is_day_off(calendar, before):
            return True
        before -= timedelta(days=1)
    return True


def _names(country: str, day: date) -> dict[str, str]:
    import holidays as holidays_package  # lazy: a heavy import only the daily plan needs

    imported = imported_holiday_name(country, day)
    names = {}
    for language, package_language in PACKAGE_LANGUAGES.items():
        try:
            listed = holidays_package.country_holidays(
                country, years=[day.year], language=package_language
            )
        except NotImplementedError:
            listed = {}
        # The package's name in the customer's language; a date only the imported official
        # year lists carries the notice's name.
        names[language] = listed.get(day) or imported
    return names


def holiday_periods_starting(
    calendar_row: Calendar | None, days: list[date], greeted: list[str]
) -> list[HolidayPeriod]:
    """The days among `days` that open a holiday period of the calendar whose name (in
    either language) contains one of the `greeted` words (every period if none)."""
    if calendar_row is None or calendar_row.is_24x7:
        return []
    calendar = working_calendar(calendar_row)
    words = [word.strip().casefold() for word in greeted if word.strip()]
    periods = []
    for day in days:
        if not _opens_period(calendar, day):
            continue
        names = _names(calendar_row.country, day) if calendar_row.country else {}
        if words and not any(word in name.casefold() for name in names.values() for word in words):
            continue
        periods.append(HolidayPeriod(day, names))
    return periods
