"""What each stage must record, as one form per stage.

The service validates a stage entry's content with these forms whatever the caller (page,
API, demo), so the rules live in one place; the page renders the same forms.
"""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ValidationError

from .models import ContactMethod, RecoveryAction, RootCause, Stage

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
MSG_CONTACT_REQUIRED = _("Accept the complaint only after contact with the customer is made.")


class AcceptContent(forms.Form):
    """Acceptance, made in contact with the customer: how and when that contact happened.

    Nothing is pre-ticked or pre-filled: the contact is evidence (it meets first contact,
    1 hour from receipt [S1 §5.3]), so the person says when and how it happened.
    """

    contact_channel = forms.ChoiceField(
        label=_("Contact channel"),
        choices=[("", _("Choose how the customer was contacted")), *ContactMethod.choices],
        error_messages={"required": MSG_CONTACT_REQUIRED},
    )
    contacted_at = forms.DateTimeField(
        label=_("Contacted at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": MSG_CONTACT_REQUIRED},
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class InvestigateContent(forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.ChoiceField(label=_("Root cause"), choices=RootCause.choices)


class NegotiateContent(forms.Form):
    options_offered = forms.CharField(
        label=_("Options offered"), widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_agreed = forms.CharField(
        label=_("What the customer agreed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CompensateContent(forms.Form):
    """Service recovery [S2 §4.5.3]; the compensation itself is requested and approved apart."""

    recovery_actions = forms.MultipleChoiceField(
        label=_("Recovery actions taken"),
        choices=RecoveryAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    none_agreed = forms.BooleanField(label=_("No compensation agreed"), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class FollowUpContent(forms.Form):
    visit_date = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("Method"), choices=ContactMethod.choices)
    customer_response = forms.CharField(
        label=_("Customer's response"), widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_satisfied = forms.TypedChoiceField(
        label=_("Customer satisfied"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class CloseContent(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


STAGE_CONTENT_FORMS: dict[str, type[forms.Form]] = {
    Stage.ACCEPT: AcceptContent,
    Stage.INVESTIGATE: InvestigateContent,
    Stage.NEGOTIATE: NegotiateContent,
    Stage.COMPENSATE: CompensateContent,
    Stage.FOLLOW_UP: FollowUpContent,
    Stage.CLOSED: CloseContent,
}


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def stage_content_clean(stage: str, content: dict | None) -> dict:
    """The stage's content, validated and JSON-ready; raises ValidationError naming fields."""
    if content is not None and not isinstance(content, dict):
        raise ValidationError(_("The stage content must be an object."), field="content")
    form = STAGE_CONTENT_FORMS[stage](data=content or {})
    if not form.is_valid():
        raise ValidationError(
            fields={
                name: [str(message) for message in errors] for name, errors in form.errors.items()
            }
        )
    return {name: _jsonable(value) for name, value in form.cleaned_data.items()}
