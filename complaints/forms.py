"""Page forms for complaints. They parse input; the services decide the rules."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.picker import CustomerPickerForm
from tickets.models import Channel

from .models import (
    RECORDED_STAGES,
    CompensationKind,
    Complaint,
    ComplaintCategory,
    ComplaintComplexity,
    ContactMethod,
    ReplyScript,
    Severity,
    Stage,
)
from .stages import STAGE_CONTENT_FORMS

COMPLAINT_SOURCES = [
    (Channel.COMPLAINT_HOTLINE, Channel.COMPLAINT_HOTLINE.label),
    (Channel.COMPLAINT_MAILBOX, Channel.COMPLAINT_MAILBOX.label),
    *[(value, label) for value, label in Channel.choices if not value.startswith("complaint_")],
]


class VersionedComplaintForm(forms.Form):
    """Carries the complaint version the person saw: a stale form gets a conflict message."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", complaint.version)
        kwargs.setdefault("auto_id", f"id_{self.form_name}_%s")
        super().__init__(*args, **kwargs)
        self.complaint = complaint


class StageVersionForm(VersionedComplaintForm):
    form_name = "stage"
    to = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)


def stage_content_form(stage: str, data=None) -> forms.Form:
    """The next stage's content form, prefixed so its names never clash with the page's."""
    # The accept stage's contact time is left blank on purpose: it is evidence, not "now".
    initial = {}
    if stage == Stage.FOLLOW_UP:
        initial = {"visit_date": timezone.localdate().isoformat()}
    return STAGE_CONTENT_FORMS[stage](data=data, prefix="content", initial=initial)


def stage_content_raw(form: forms.Form, data) -> dict:
    """The submitted content as the service takes it (the service validates it again)."""
    content = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.MultipleChoiceField):
            content[name] = data.getlist(key)
        elif isinstance(field, forms.BooleanField):
            content[name] = key in data and data.get(key) not in ("", "false", "0", "off")
        else:
            content[name] = data.get(key, "")
    return content


class CompensationRequestForm(VersionedComplaintForm):
    form_name = "compensation"
    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    # Text, not DecimalField: the service gives the one message for a bad amount.
    amount = forms.CharField(label=_("Amount"), required=False, max_length=20)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    goods_or_service = forms.CharField(label=_("Goods or service"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("Why this compensation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [
            (code, code) for code in settings.COMPENSATION_CURRENCIES
        ]


class ContactRecordForm(VersionedComplaintForm):
    """A contact with the customer that happened; nothing pre-filled (it is evidence)."""

    form_name = "contact"
    channel = forms.ChoiceField(
        label=_("Contact channel"),
        choices=[("", _("Choose how the customer was contacted")), *ContactMethod.choices],
    )
    contacted_at = forms.DateTimeField(
        label=_("Contacted at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        label=_("What was said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ReopenForm(VersionedComplaintForm):
    form_name = "reopen"
    redo_from = forms.ChoiceField(label=_("Redo from"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reached = (
            [
                stage
                for stage in RECORDED_STAGES
                if stage != Stage.CLOSED
                and RECORDED_STAGES.index(stage) <= RECORDED_STAGES.index(self.complaint.stage)
            ]
            if self.complaint.stage != Stage.RECEIVED
            else []
        )
        self.fields["redo_from"].choices = [(stage, Stage(stage).label) for stage in reached]


class SeverityForm(VersionedComplaintForm):
    form_name = "severity"
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    complexity = forms.ChoiceField(label=_("Complexity"), choices=ComplaintComplexity.choices)


class ComplaintOpenForm(CustomerPickerForm):
    """A new complaint; its customer found by search or registered here (no customer: an
    anonymous caller)."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    # Most complaints are routine; a preselected "urgent" would hand them to a manager.
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.ROUTINE
    )
    complexity = forms.ChoiceField(label=_("Complexity"), choices=ComplaintComplexity.choices)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ComplaintCategory.objects.filter(active=True),
        empty_label=_("Choose a category"),
    )
    source = forms.ChoiceField(label=_("Source"), choices=COMPLAINT_SOURCES)
    product = forms.CharField(label=_("Product or service concerned"), required=False)
    customer_demand = forms.CharField(
        label=_("Customer's demand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        self.fields["category"].label_from_instance = lambda category: category.display_name(
            language
        )


class ReplyScriptForm(forms.ModelForm):
    class Meta:
        model = ReplyScript
        fields = ["step", "language", "title", "body", "active", "position"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
