"""Working calendars: the weekly working hours and dated exceptions that SLA clocks count in.

Kept beside models.py, which imports them so that Django finds them and callers import every
SLA model from one place.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Calendar(models.Model):
    """Working time: weekly hours in a zone, a country's holidays, manual exceptions; or 24×7."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    is_24x7 = models.BooleanField(
        _("24×7 (calendar time)"),
        default=False,
        help_text=_("Every hour counts; weekly hours and holidays are ignored."),
    )
    country = models.CharField(
        _("country for public holidays"),
        max_length=2,
        blank=True,
        help_text=_("ISO code such as CN: its public holidays and official make-up workdays."),
    )
    # Renewed by every change of the calendar or its rows: built calendars are cached per
    # revision. Random rather than a counter, so a rolled-back edit can never reuse a value.
    revision = models.UUIDField(_("revision"), default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.revision = uuid.uuid4()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision", "updated_at"}
        super().save(*args, **kwargs)

    def clean(self):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from django.core.exceptions import ValidationError

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"time_zone": _("Unknown time zone “%(zone)s”.") % {"zone": self.time_zone}}
            ) from None
        if self.country:
            import holidays

            if self.country.upper() not in holidays.list_supported_countries():
                raise ValidationError(
                    {"country": _("No holiday data for “%(country)s”.") % {"country": self.country}}
                )
            self.country = self.country.upper()


def _calendar_changed(calendar_id: int) -> None:
    Calendar.objects.filter(pk=calendar_id).update(revision=uuid.uuid4())


class WorkingHours(models.Model):
    """One working interval of a weekday, in the calendar's local time."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["calendar", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="sla_hours_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="sla_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _calendar_changed(self.calendar_id)

    def delete(self, *args, **kwargs):
        calendar_id = self.calendar_id
        result = super().delete(*args, **kwargs)
        _calendar_changed(calendar_id)
        return result


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (closed)")
    WORKDAY = "workday", _("Workday (open with ordinary weekday hours)")


class CalendarException(models.Model):
    """A manual holiday or workday; it overrides the country's calendar for that date."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_exception_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _calendar_changed(self.calendar_id)

    def delete(self, *args, **kwargs):
        calendar_id = self.calendar_id
        result = super().delete(*args, **kwargs)
        _calendar_changed(calendar_id)
        return result
