"""The dashboard's period form."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import Period

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30
MSG_PERIOD_REVERSED = _("The start date must not be after the end date.")
MSG_PERIOD_TOO_LONG = _("Choose a period of at most %(days)s days.")


class DashboardPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    @classmethod
    def default(cls) -> "DashboardPeriodForm":
        today = timezone.localdate()
        start = today - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        return cls({"date_from": start.isoformat(), "date_to": today.isoformat()})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", MSG_PERIOD_REVERSED)
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error("date_to", MSG_PERIOD_TOO_LONG % {"days": MAX_PERIOD_DAYS})
        return cleaned

    def period(self) -> Period:
        """The chosen days in the site's time zone, as [start of first, start of day after last)."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.cleaned_data["date_from"], time(0), tzinfo=zone)
        end = datetime.combine(
            self.cleaned_data["date_to"] + timedelta(days=1), time(0), tzinfo=zone
        )
        return Period(start=start, end=end)
