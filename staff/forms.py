"""Forms of the staff pages: they shape the input (lists one per line, a limit per
compensation currency); the rules are the services'."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ServiceDeskError

from .models import StaffLevel, TrainingKind


def add_service_error(form: forms.Form, error: ServiceDeskError) -> None:
    """A domain error next to the field it names, or above the form (as tickets.forms;
    staff sits below tickets and cannot import it)."""
    placed = False
    for field, messages in error.fields.items():
        if field in form.fields:
            form.add_error(field, [str(message) for message in messages])
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class MentorChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        profile = getattr(user, "staff_profile", None)
        return (profile.display_name if profile else "") or user.get_username()


class StaffProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    level = forms.ChoiceField(label=_("Level on the career ladder"), choices=StaffLevel.choices)
    hire_date = forms.DateField(
        label=_("Hire date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mentor = MentorChoice(label=_("Mentor"), queryset=None, required=False)
    channels = forms.CharField(
        label=_("Channels (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Channel codes such as “phone”, “email”, “chat”."),
    )
    skills = forms.CharField(
        label=_("Skills (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    certifications = forms.CharField(
        label=_("Certifications (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, staff_profile__isnull=False)
            .exclude(pk=user.pk)
            .select_related("staff_profile")
            .order_by("username")
        )
        for currency in settings.COMPENSATION_CURRENCIES:
            self.fields[f"limit_{currency}"] = forms.CharField(
                label=_("Approval limit (%(currency)s)") % {"currency": currency},
                required=False,
                help_text=_("Compensation granted without approval; empty means none."),
            )

    @property
    def limit_fields(self):
        return [self[f"limit_{c}"] for c in settings.COMPENSATION_CURRENCIES]

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "level": data["level"],
            "hire_date": data["hire_date"],
            "mentor": data["mentor"],
            "channels": _lines(data["channels"]),
            "skills": _lines(data["skills"]),
            "certifications": _lines(data["certifications"]),
            "approval_limits": {
                currency: data[f"limit_{currency}"] for currency in settings.COMPENSATION_CURRENCIES
            },
        }

    @classmethod
    def initial_for(cls, profile, limits: dict) -> dict:
        initial = {
            "display_name": profile.display_name,
            "level": profile.level,
            "hire_date": profile.hire_date,
            "mentor": profile.mentor_id,
            "channels": "\n".join(profile.channels or []),
            "skills": "\n".join(profile.skills or []),
            "certifications": "\n".join(profile.certifications or []),
        }
        for currency, amount in limits.items():
            initial[f"limit_{currency}"] = str(amount)
        return initial


class TrainingRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("Training"), max_length=200)
    started_on = forms.DateField(
        label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366)
