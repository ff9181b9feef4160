"""Forms of the plan panel and the customer's acceptance page: shape input only."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from staff.models import Team

from .models import AcceptanceOutcome, ReviewState, TaskStatus

User = get_user_model()


class SubmitForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments involved"),
        queryset=Team.objects.filter(is_department=True).order_by("name"),
        required=False,
    )


class ReviewForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Department"), queryset=Team.objects.order_by("name"))
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ReviewState.APPROVED, _("Approve")),
            (ReviewState.CHANGES_REQUESTED, _("Request changes")),
        ],
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}))


class TaskAddForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    due_at = forms.DateTimeField(label=_("Due at"))


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class DailyCheckForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AcceptanceRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AcceptanceOutcome.choices)
    reason = forms.CharField(label=_("Reason (if not accepted)"), required=False)
    customer_confirmation = forms.CharField(label=_("How the customer confirmed"))


class CustomerAcceptanceForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your verdict"), choices=AcceptanceOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("If not accepted, why"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureForm(forms.Form):
    measure = forms.CharField(label=_("Measure decided"), required=False)
    none_reason = forms.CharField(label=_("No measure, because"), required=False)
