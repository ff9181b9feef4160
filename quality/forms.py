"""Forms of the quality pages: they shape the input; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InvestigationFinding, SuggestionStatus


class InvestigationCloseForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"), choices=[("", "—"), *InvestigationFinding.choices]
    )
    outcome = forms.CharField(
        label=_("Outcome: what was found and done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class CoachingPlanForm(forms.Form):
    plan = forms.CharField(
        label=_("Coaching plan"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Your suggestion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class SuggestionReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SuggestionStatus.ADOPTED, SuggestionStatus.ADOPTED.label),
            (SuggestionStatus.DECLINED, SuggestionStatus.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
