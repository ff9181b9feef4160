"""A country's official calendar for one year, imported by an administrator.

Governments publish next year's public holidays and make-up workdays late in the year
(China's State Council notice usually comes in November or December), after the installed
`holidays` package was released. An imported year is the official list for that year: it
replaces the package's dates of that year for every calendar of that country, and each
calendar's manual exceptions still override both (working_calendars.py).

Rows are written only by `official_year_import` (official_import.py), which records who
imported them and when, logs the import and re-plans the open clocks on those calendars.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .calendar_models import ExceptionKind

FIRST_YEAR = 2000
LAST_YEAR = 2100


class OfficialYear(models.Model):
    """The official holidays and make-up workdays of a country for one year."""

    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO code such as CN, as on the calendars.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["country", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="sla_official_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="sla_official_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year}"


class OfficialDate(models.Model):
    """One date of an official year: a public holiday or a make-up workday."""

    official_year = models.ForeignKey(
        OfficialYear,
        verbose_name=_("official calendar year"),
        on_delete=models.CASCADE,
        related_name="dates",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("official date")
        verbose_name_plural = _("official dates")
        ordering = ["official_year", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["official_year", "date"], name="sla_official_date_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
