"""Importing a country's official year: a CSV or form list of holidays and make-up workdays.

The list is checked as a whole before anything is written: every date within the stated
year, no date listed twice or as both holiday and workday, every kind known. All problems
are reported at once, each with its row, and a list with any problem writes nothing.
An import replaces the year's earlier import, renews the revision of every calendar of that
country (so no process keeps planning with the old dates), logs the import in the admin's
history and, after commit, re-plans the open clocks on those calendars.
"""

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.enqueue import enqueue_after_commit
from servicedesk.exceptions import AuthorityError, ValidationError

from .models import Calendar, ExceptionKind
from .official_models import FIRST_YEAR, LAST_YEAR, OfficialDate, OfficialYear
from .policies import policy_table_changed

IMPORT_PERMISSION = "sla.add_officialyear"
MAX_ROWS = 400
MAX_NAME_LENGTH = 100

# How people write the kind in a list: the codes, and the words of the official notices.
KIND_WORDS = {
    "holiday": ExceptionKind.HOLIDAY,
    "workday": ExceptionKind.WORKDAY,
    "休": ExceptionKind.HOLIDAY,
    "班": ExceptionKind.WORKDAY,
}

MSG_NOT_AUTHORISED = _("Only administrators can import official calendar years.")
MSG_UNKNOWN_COUNTRY = _("No holiday data for “%(country)s”.")
MSG_YEAR_RANGE = _("The year must be between %(first)s and %(last)s.")
MSG_NOT_TEXT = _("The file is not UTF-8 text (save the CSV as UTF-8).")
MSG_NO_DATES = _("The list has no dates.")
MSG_TOO_MANY = _("The list has more than %(max)s dates.")
MSG_ROW_COLUMNS = _("Row %(row)s: write date, kind and an optional name.")
MSG_ROW_DATE = _("Row %(row)s: “%(value)s” is not a date (write YYYY-MM-DD).")
MSG_ROW_YEAR = _("Row %(row)s: %(date)s is not in %(year)s.")
MSG_ROW_KIND = _("Row %(row)s: “%(value)s” is not a kind (write holiday or workday).")
MSG_ROW_NAME = _("Row %(row)s: the name is longer than %(max)s characters.")
MSG_ROW_TWICE = _("Row %(row)s: %(date)s is already listed in row %(first)s.")
MSG_ROW_BOTH = _(
    "Row %(row)s: %(date)s is listed as a holiday and as a workday (row %(first)s); "
    "a date is one or the other."
)
MSG_IMPORTED = _("Imported %(holidays)s holidays and %(workdays)s make-up workdays.")


class OfficialYearInvalid(ValidationError):
    code = "official_year_invalid"
    default_message = _("The list of dates is not valid; nothing was imported.")


@dataclass(frozen=True)
class OfficialEntry:
    date: date
    kind: str
    name: str = ""


def parse_official_csv(content: bytes | str, year: int) -> list[OfficialEntry]:
    """Rows of `date,kind[,name]` (a first row starting with "date" is a header).

    Raises OfficialYearInvalid listing every problem (field "dates"), each with its row.
    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise OfficialYearInvalid(fields={"dates": [str(MSG_NOT_TEXT)]}) from None
    rows = [
        (number, [cell.strip() for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(content)), start=1)
        if any(cell.strip() for cell in cells)
    ]
    if rows and rows[0][1][0].lower() == "date":
        rows = rows[1:]
    return check_rows(rows, year)


def check_rows(rows: Sequence[tuple[int, Sequence[str]]], year: int) -> list[OfficialEntry]:
    """Turn numbered rows of text cells into entries, or raise with every row's problem."""
    errors: list[str] = []
    entries: list[OfficialEntry] = []
    seen: dict[date, tuple[int, str]] = {}
    if not rows:
        errors.append(str(MSG_NO_DATES))
    elif len(rows) > MAX_ROWS:
        errors.append(MSG_TOO_MANY % {"max": MAX_ROWS})
        rows = ()
    for number, cells in rows:
        entry = _entry(number, cells, year, errors)
        if entry is None:
            continue
        first = seen.get(entry.date)
        if first is not None:
            message = MSG_ROW_TWICE if first[1] == entry.kind else MSG_ROW_BOTH
            errors.append(message % {"row": number, "date": entry.date, "first": first[0]})
            continue
        seen[entry.date] = (number, entry.kind)
        entries.append(entry)
    if errors:
        raise OfficialYearInvalid(fields={"dates": errors})
    return entries


def _entry(number: int, cells: Sequence[str], year: int, errors: list[str]):
    if len(cells) < 2 or len(cells) > 3:
        errors.append(MSG_ROW_COLUMNS % {"row": number})
        return None
    text, kind_text = cells[0], cells[1]
    name = cells[2] if len(cells) == 3 else ""
    problems = len(errors)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(MSG_ROW_DATE % {"row": number, "value": text})
        day = None
    if day is not None and day.year != year:
        errors.append(MSG_ROW_YEAR % {"row": number, "date": day, "year": year})
    kind = KIND_WORDS.get(kind_text.lower())
    if kind is None:
        errors.append(MSG_ROW_KIND % {"row": number, "value": kind_text})
    if len(name) > MAX_NAME_LENGTH:
        errors.append(MSG_ROW_NAME % {"row": number, "max": MAX_NAME_LENGTH})
    if len(errors) > problems:
        return None
    return OfficialEntry(date=day, kind=kind, name=name)


def _check_country_and_year(country: str, year: int) -> str:
    import holidays as holidays_package  # lazy: a heavy import

    code = (country or "").strip().upper()
    if code not in holidays_package.list_supported_countries():
        raise OfficialYearInvalid(MSG_UNKNOWN_COUNTRY % {"country": country}, field="country")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OfficialYearInvalid(
            MSG_YEAR_RANGE % {"first": FIRST_YEAR, "last": LAST_YEAR}, field="year"
        )
    return code


def official_year_import(
    *, country: str, year: int, entries: Iterable[OfficialEntry], actor
) -> OfficialYear:
    """Store the country's official list for `year`, replacing an earlier import of it."""
    if not actor.has_perm(IMPORT_PERMISSION):
        raise AuthorityError(MSG_NOT_AUTHORISED)
    country = _check_country_and_year(country, year)
    entries = check_rows(
        [(number, (str(e.date), e.kind, e.name)) for number, e in enumerate(entries, start=1)],
        year,
    )
    with transaction.atomic():
        official, created = OfficialYear.objects.select_for_update().update_or_create(
            country=country,
            year=year,
            defaults={"imported_by": actor, "imported_at": timezone.now()},
        )
        official.dates.all().delete()
        OfficialDate.objects.bulk_create(
            OfficialDate(official_year=official, date=e.date, kind=e.kind, name=e.name)
            for e in entries
        )
        holidays = sum(1 for e in entries if e.kind == ExceptionKind.HOLIDAY)
        LogEntry.objects.log_actions(
            actor.pk,
            OfficialYear.objects.filter(pk=official.pk),
            ADDITION if created else CHANGE,
            str(MSG_IMPORTED % {"holidays": holidays, "workdays": len(entries) - holidays}),
            single_object=True,
        )
        calendars = Calendar.objects.filter(country=country)
        calendars.update(revision=uuid.uuid4())
        policy_table_changed()
        calendar_ids = list(calendars.filter(is_24x7=False).values_list("pk", flat=True))
        _replan_after_commit(calendar_ids, actor)
    return official


def _replan_after_commit(calendar_ids: list[int], actor) -> None:
    from .tasks import sla_replan_calendar

    for calendar_id in calendar_ids:
        enqueue_after_commit(sla_replan_calendar, calendar_id, actor.pk)
