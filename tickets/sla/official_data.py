"""Whether a country's calendar has official data for a year, and the calendars that lack it.

The rule (documented in the README): a year has official data for a country when
an administrator imported that year's list (OfficialYear), or else the `holidays` package
holds it. The package computes rule-based holidays for any year, so for a country that
adjusts its weekends by annual notice (China: make-up workdays), the package's year counts
only if it lists make-up workdays for it; such a country is recognised by the package
listing make-up workdays for the current or the previous year. For any other country the
package's year counts if it lists at least one holiday.

From SLA_CALENDAR_WARNING_FROM (a "MM-DD", 1 November by default) until the year ends,
administrators are warned about every country calendar in use whose next year lacks data.
"""

import functools
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Calendar, ExceptionKind, Target
from .official_models import OfficialDate, OfficialYear

MSG_NEXT_YEAR_MISSING = _(
    "The working calendar “%(calendar)s” has no official holidays or make-up workdays "
    "for %(year)s (country %(country)s): due dates in %(year)s will ignore them. "
    "Import the official list for %(year)s."
)


@dataclass(frozen=True)
class MissingYear:
    calendar: Calendar
    country: str
    year: int

    @property
    def message(self) -> str:
        return MSG_NEXT_YEAR_MISSING % {
            "calendar": self.calendar.name,
            "country": self.country,
            "year": self.year,
        }


@functools.lru_cache(maxsize=256)
def _package_dates(country: str, year: int) -> tuple[int, int]:
    """(holidays, make-up workdays) the installed `holidays` package lists for the year."""
    import holidays as holidays_package  # lazy: a heavy import most requests never need

    try:
        public = holidays_package.country_holidays(country, years=year)
    except NotImplementedError:
        return (0, 0)
    make_up = getattr(public, "weekend_workdays", None) or ()
    return len(public), sum(1 for day in make_up if day.year == year)


def package_has_year(country: str, year: int) -> bool:
    """Whether the `holidays` package alone gives the country's official data for `year`."""
    holidays_count, workdays_count = _package_dates(country, year)
    uses_make_up_days = any(_package_dates(country, known)[1] for known in (year - 1, year - 2))
    if uses_make_up_days:
        return workdays_count > 0
    return holidays_count > 0


def warning_starts(year: int) -> date:
    month, day = (int(part) for part in settings.SLA_CALENDAR_WARNING_FROM.split("-"))
    return date(year, month, day)


def calendars_missing_next_year(today: date | None = None) -> list[MissingYear]:
    """Country calendars in use (by a target of an active policy) lacking next year's data.

    Empty before the warning date of the year. One query, only on and after that date.
    """
    today = today or timezone.localdate()
    if today < warning_starts(today.year):
        return []
    year = today.year + 1
    in_use = Target.objects.filter(calendar=OuterRef("pk"), policy__active=True)
    imported = OfficialYear.objects.filter(country=OuterRef("country"), year=year)
    candidates = (
        Calendar.objects.filter(is_24x7=False, country__gt="")
        .filter(Exists(in_use))
        .exclude(Exists(imported))
        .order_by("name")
    )
    return [
        MissingYear(calendar=calendar, country=calendar.country, year=year)
        for calendar in candidates
        if not package_has_year(calendar.country, year)
    ]


def imported_dates(country: str, years) -> dict[int, list[tuple[date, str]]]:
    """year -> [(date, kind)] of the country's imported years among `years` (one query)."""
    rows = OfficialYear.objects.filter(country=country, year__in=list(years)).values_list(
        "year", "dates__date", "dates__kind"
    )
    result: dict[int, list[tuple[date, str]]] = {}
    for year, day, kind in rows:
        dates = result.setdefault(year, [])
        if day is not None:
            dates.append((day, kind))
    return result


def imported_holiday_name(country: str, day: date) -> str:
    """The name an imported official year gives a holiday ("" if none is imported)."""
    return (
        OfficialDate.objects.filter(
            official_year__country=country, date=day, kind=ExceptionKind.HOLIDAY
        )
        .values_list("name", flat=True)
        .first()
        or ""
    )


# Who is warned on the queue and the dashboard: managers (they see every ticket) and the
# administrators who can import the list.
NOTICE_PERMISSIONS = ("tickets.view_all_tickets", "sla.add_officialyear")


def calendar_notices(request) -> list[str]:
    """The missing-year warnings for a manager's or administrator's pages."""
    user = request.user
    if not user.is_authenticated or not any(user.has_perm(p) for p in NOTICE_PERMISSIONS):
        return []
    return [missing.message for missing in calendars_missing_next_year()]
