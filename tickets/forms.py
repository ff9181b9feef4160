"""Forms of the agent pages: they parse and shape input; the services decide the rules."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from customers.picker import CustomerPickerForm
from servicedesk.exceptions import ServiceDeskError

from .extensions import queue_views
from .models import (
    STATUS_TRANSITIONS,
    Category,
    Channel,
    Complexity,
    IntakeTemplate,
    Kind,
    Priority,
    Status,
    TemplateField,
    Ticket,
)
from .selectors import QueueFilters, QueueScope, is_queue_ordering

User = get_user_model()

SCOPE_CHOICES = [
    (QueueScope.MINE, _("Mine")),
    (QueueScope.TEAM, _("My team")),
    (QueueScope.UNASSIGNED, _("Unassigned")),
    (QueueScope.AT_RISK, _("At risk")),
    (QueueScope.BREACHED, _("Breached")),
    (QueueScope.MENTIONED, _("Mentioning me")),
    (QueueScope.ALL, _("All")),
]
# The queue's columns in their order: (sort key, heading).
QUEUE_COLUMNS = [
    ("reference", _("Reference")),
    ("subject", _("Subject")),
    ("customer", _("Customer")),
    ("status", _("Status")),
    ("priority", _("Priority")),
    ("sla", _("SLA due")),
    ("channel", _("Channel")),
    ("team", _("Team")),
    ("assignee", _("Assignee")),
    ("age", _("Age")),
]
ANY_STATUS = "any"
ORDERING_CHOICES = [
    ("sla", _("SLA due first")),
    ("priority", _("Priority, then newest")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("updated", _("Recently updated")),
]


def add_service_error(form: forms.Form, error: ServiceDeskError) -> None:
    """Put a domain error next to the field it names, or above the form if it names none."""
    placed = False
    for field, messages in error.fields.items():
        if field in form.fields:
            form.add_error(field, [str(message) for message in messages])
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def category_choices() -> list[tuple[int, str]]:
    """Active categories as (id, "Parent / Child") from one query, in tree order."""
    rows = list(Category.objects.filter(active=True).values_list("id", "name", "parent_id"))
    by_id = {pk: (name, parent_id) for pk, name, parent_id in rows}

    def path(pk: int) -> str:
        names, seen = [], set()
        while pk in by_id and pk not in seen:
            seen.add(pk)
            name, pk = by_id[pk]
            names.append(name)
        return " / ".join(reversed(names))

    return sorted(((pk, path(pk)) for pk in by_id), key=lambda choice: choice[1])


def _with_blank(choices, label) -> list:
    return [("", label), *choices]


class _OrderingField(forms.ChoiceField):
    """The sort menu offers the usual orders; a column heading may ask for any column,
    either way round ("-team")."""

    def valid_value(self, value) -> bool:
        return is_queue_ordering(str(value))


class QueueFilterForm(forms.Form):
    """The queue's tabs, filters, search and sort; every value is optional."""

    scope = forms.ChoiceField(label=_("Queue"), choices=SCOPE_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    # Blank means "still being worked": resolved and closed tickets are asked for explicitly.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Unresolved")), (ANY_STATUS, _("Any status")), *Status.choices],
        required=False,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=_with_blank(Priority.choices, _("Any priority")),
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_with_blank(Channel.choices, _("Any channel")), required=False
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, empty_value=None, required=False
    )
    ordering = _OrderingField(label=_("Sort"), choices=ORDERING_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = SCOPE_CHOICES + [
            (view.key, view.label) for view in queue_views()
        ]
        self.fields["category"].choices = _with_blank(category_choices(), _("Any category"))
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Reference, subject, customer, order number"), "type": "search"}
        )

    def queue_filters(self) -> QueueFilters:
        """The filters from the fields that are valid; an invalid one is shown and ignored."""
        values = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        defaults = QueueFilters()
        return QueueFilters(
            scope=values.get("scope") or defaults.scope,
            status="" if values.get("status") in ("", None, ANY_STATUS) else values["status"],
            unresolved=not values.get("status"),
            priority=values.get("priority") or "",
            channel=values.get("channel") or "",
            category_id=values.get("category"),
            q=(values.get("q") or "").strip(),
            ordering=values.get("ordering") or defaults.ordering,
        )

    def main_views(self) -> list:
        return SCOPE_CHOICES

    def grouped_views(self) -> list:
        """Other apps' saved views by group: [(group, [(key, label), …]), …]."""
        groups: dict = {}
        for view in queue_views():
            groups.setdefault(view.group, []).append((view.key, view.label))
        return list(groups.items())

    def sort_headings(self) -> list[dict]:
        """Each column's heading: the ordering its link asks for and how it is sorted now."""
        current = self.queue_filters().ordering
        headings = []
        for key, label in QUEUE_COLUMNS:
            ascending, descending = current == key, current == f"-{key}"
            headings.append(
                {
                    "key": key,
                    "label": label,
                    "ordering": f"-{key}" if ascending else key,
                    "aria_sort": "ascending" if ascending else "descending" if descending else "",
                }
            )
        return headings


class VersionedForm(forms.Form):
    """Carries the ticket version the agent saw, so a stale form gets a conflict message."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", ticket.version)
        # Each form on the ticket page gets its own id prefix, so labels stay unique.
        kwargs.setdefault("auto_id", f"id_{self.form_name}_%s")
        super().__init__(*args, **kwargs)
        self.ticket = ticket


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks each and how many."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [data] if data else []


class ReplyForm(VersionedForm):
    """The composer: a public reply or, by the button pressed, an internal note."""

    REPLY = "reply"
    NOTE = "note"
    form_name = "reply"
    body = forms.CharField(
        label=_("Reply to the customer or note for colleagues"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = MultipleFileField(label=_("Attachments"), required=False)
    kind = forms.ChoiceField(
        choices=((REPLY, _("Public reply")), (NOTE, _("Internal note"))),
        required=False,
        widget=forms.HiddenInput,
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or self.REPLY

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == self.NOTE and cleaned.get("file"):
            self.add_error("file", _("Files go with a public reply; send them to the customer."))
        return cleaned


class TagsForm(VersionedForm):
    form_name = "tags"
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas; a new word becomes a tag."),
    )

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("tags", ", ".join(tag.name for tag in tags))

    def tag_names(self) -> list[str]:
        # Chinese input methods type the full-width comma; both separate tags.
        text = self.cleaned_data.get("tags", "").replace("，", ",").replace("、", ",")
        return [name.strip() for name in text.split(",") if name.strip()]


class AssignForm(VersionedForm):
    form_name = "assign"
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = self.ticket.team
        members = (
            team.members.all() if team is not None else User.objects.filter(teams__isnull=False)
        )
        field = self.fields["assignee"]
        field.queryset = members.filter(is_active=True).distinct().order_by("username")
        field.empty_label = _("Unassigned")
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        self.initial.setdefault("assignee", self.ticket.assignee_id)


class StatusForm(VersionedForm):
    """Offers only the allowed next statuses; the service still refuses any other move."""

    form_name = "status"
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(self.ticket.status, frozenset())
        self.next_choices = [(value, label) for value, label in Status.choices if value in allowed]
        self.fields["status"].widget.choices = self.next_choices


class PriorityForm(VersionedForm):
    form_name = "priority"
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("priority", self.ticket.priority)


class TemplateChoiceForm(forms.Form):
    """Step one of a new ticket: which intake scenario (or none)."""

    NO_TEMPLATE = "none"
    template = forms.CharField(label=_("Intake template"), max_length=50)

    def clean_template(self) -> IntakeTemplate | None:
        slug = self.cleaned_data["template"]
        if slug == self.NO_TEMPLATE:
            return None
        template = IntakeTemplate.objects.filter(slug=slug, active=True).first()
        if template is None:
            raise forms.ValidationError(
                _("There is no active intake template “%(slug)s”."), params={"slug": slug}
            )
        return template


# Scenario fields the ticket form shows when a template requires them (others fold away).
SCENARIO_FIELDS = (
    TemplateField.PRODUCT,
    TemplateField.ORDER_NUMBER,
    TemplateField.PURCHASE_DATE,
    TemplateField.CUSTOMER_DEMAND,
    TemplateField.CONTACT_TIME,
)


class NewTicketForm(CustomerPickerForm):
    """Step two: the ticket itself. Template-required fields are marked here and enforced
    by `ticket_create`, whose per-field messages this form then shows."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.REQUEST)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=_with_blank(Priority.choices, _("Template default")),
        required=False,
    )
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.SIMPLE
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, empty_value=None, required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    product = forms.CharField(label=_("Product or service"), max_length=200, required=False)
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)
    purchase_date = forms.DateField(
        label=_("Purchase date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    customer_demand = forms.CharField(
        label=_("Customer's demand"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    preferred_contact_time = forms.CharField(
        label=_("Preferred contact time"), max_length=100, required=False
    )

    def __init__(self, *args, template: IntakeTemplate | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["category"].choices = _with_blank(category_choices(), _("No category"))
        self.required_by_template = set(template.required_fields or []) if template else set()
        for name in self.required_by_template & set(self.fields):
            self.fields[name].template_required = True
        if template is not None:
            # The template fixes the kind; its default priority applies unless one is chosen.
            self.fields["kind"].disabled = True
            self.initial["kind"] = template.kind
            if template.default_category_id:
                self.initial.setdefault("category", template.default_category_id)
        else:
            self.fields["priority"].choices = Priority.choices
            self.initial.setdefault("priority", Priority.NORMAL)

    @property
    def required_scenario_fields(self) -> list:
        return [self[name] for name in SCENARIO_FIELDS if name in self.required_by_template]

    @property
    def optional_scenario_fields(self) -> list:
        return [self[name] for name in SCENARIO_FIELDS if name not in self.required_by_template]

    @property
    def customer_required(self) -> bool:
        return TemplateField.CUSTOMER in self.required_by_template

    def ticket_fields(self) -> dict:
        """Keyword arguments for `ticket_create` (customer and actor added by the view)."""
        data = self.cleaned_data
        category_id = data.get("category")
        return {
            "subject": data["subject"],
            "channel": data["channel"],
            "kind": self.template.kind if self.template else data["kind"],
            "priority": data.get("priority") or None,
            "complexity": data["complexity"],
            "category": Category.objects.filter(pk=category_id).first() if category_id else None,
            "intake_template": self.template,
            "description": data.get("description") or "",
            "product": data.get("product") or "",
            "order_number": data.get("order_number") or "",
            "purchase_date": data.get("purchase_date"),
            "customer_demand": data.get("customer_demand") or "",
            "preferred_contact_time": data.get("preferred_contact_time") or "",
        }


# One bulk change touches at most this many tickets (a page of the queue is 25).
BULK_MAX_TICKETS = 100
_BULK_ITEM = re.compile(r"^(?P<reference>[A-Za-z0-9-]{1,20})@(?P<version>\d{1,9})$")


class BulkChangeForm(forms.Form):
    """The queue's bulk bar: the ticked rows (each "reference@version") and one change."""

    ASSIGN = "assign"
    STATUS = "status"

    action = forms.ChoiceField(
        label=_("Change"), choices=[(ASSIGN, _("Assign")), (STATUS, _("Change status"))]
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.filter(teams__isnull=False).distinct().order_by("username"),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )
    status = forms.ChoiceField(
        label=_("New status"), choices=_with_blank(Status.choices, "—"), required=False
    )

    def assignee_choices(self) -> list[tuple]:
        """The assignee menu in one query (a ModelChoiceField counts, then reads)."""
        people = self.fields["assignee"].queryset.values_list(
            "pk", "first_name", "last_name", "username"
        )
        named = [(pk, f"{first} {last}".strip() or login) for pk, first, last, login in people]
        return [("", self.fields["assignee"].empty_label), *named]

    def clean(self):
        cleaned = super().clean()
        items = []
        for value in self.data.getlist("ticket") if hasattr(self.data, "getlist") else []:
            found = _BULK_ITEM.match(value)
            if found is None:
                raise forms.ValidationError(_("The list of tickets is not valid."))
            items.append((found["reference"], int(found["version"])))
        if not items:
            raise forms.ValidationError(_("Tick at least one ticket."))
        if len(items) > BULK_MAX_TICKETS:
            raise forms.ValidationError(
                _("At most %(limit)d tickets at a time."), params={"limit": BULK_MAX_TICKETS}
            )
        cleaned["items"] = list(dict(items).items())
        if cleaned.get("action") == self.STATUS and not cleaned.get("status"):
            self.add_error("status", _("Choose the new status."))
        return cleaned
