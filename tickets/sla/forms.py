"""The dashboard's period and filter form."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Tier
from staff.models import Team
from tickets.models import Channel, Priority

from .dashboard import DashboardFilters, Period

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30
MSG_PERIOD_REVERSED = _("The start date must not be after the end date.")
MSG_PERIOD_TOO_LONG = _("Choose a period of at most %(days)s days.")
STEP_CHOICES = [("day", _("per day")), ("week", _("per week"))]


def _any(choices) -> list:
    return [("", _("All")), *choices]


class DashboardPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=_any(Priority.choices), required=False
    )
    tier = forms.ChoiceField(label=_("Customer tier"), choices=_any(Tier.choices), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=_any(Channel.choices), required=False)
    step = forms.ChoiceField(label=_("Trend"), choices=STEP_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].empty_label = _("All")

    @classmethod
    def from_query(cls, query) -> "DashboardPeriodForm":
        """The form bound to the page's query, with the last 30 days for missing dates."""
        data = query.copy()
        today = timezone.localdate()
        if not data.get("date_from"):
            data["date_from"] = (today - timedelta(days=DEFAULT_PERIOD_DAYS - 1)).isoformat()
        if not data.get("date_to"):
            data["date_to"] = today.isoformat()
        return cls(data)

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

    def filters(self) -> DashboardFilters:
        """The valid filters (an invalid one is ignored, and shown as an error)."""
        cleaned = getattr(self, "cleaned_data", {})
        team = cleaned.get("team")
        return DashboardFilters(
            team_id=team.pk if team else None,
            priority=cleaned.get("priority") or "",
            tier=cleaned.get("tier") or "",
            channel=cleaned.get("channel") or "",
        )

    def trend_step(self) -> str:
        return getattr(self, "cleaned_data", {}).get("step") or "day"
