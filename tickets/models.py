"""Tickets, their messages, attachments, categories, intake templates and audit events."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicedesk.models import AppendOnlyModel

# A concept of its own in its own module; imported here so Django finds the model.
from tickets.canned_models import CannedReply  # noqa: F401

# Choices in their own module (a concept of their own), re-exported for every caller.
from tickets.choices import (  # noqa: F401
    OPEN_STATUSES,
    PRIORITY_RANK,
    STATUS_TRANSITIONS,
    Channel,
    Complexity,
    Kind,
    Priority,
    Status,
    is_status_move_allowed,
)


class Category(models.Model):
    """A node of the category tree, edited by administrators."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["parent_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="category_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class TemplateField(models.TextChoices):
    """Ticket fields an intake template may require."""

    DESCRIPTION = "description", _("Description")
    CUSTOMER = "customer", _("Customer")
    CATEGORY = "category", _("Category")
    PRODUCT = "product", _("Product or service")
    ORDER_NUMBER = "order_number", _("Order number")
    PURCHASE_DATE = "purchase_date", _("Purchase date")
    CUSTOMER_DEMAND = "customer_demand", _("Customer's demand")
    CONTACT_TIME = "preferred_contact_time", _("Preferred contact time")


class IntakeTemplate(models.Model):
    """A scenario's intake form (pre-sales consultation, after-sales repair, …) [S0 §03]."""

    slug = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    default_category = models.ForeignKey(
        Category,
        verbose_name=_("default category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    required_fields = models.JSONField(
        _("required fields"),
        default=list,
        blank=True,
        help_text=_("Ticket fields this scenario must not miss."),
    )
    # Chinese (the default language, as `name`), and English for English pages.
    guidance = models.TextField(_("guidance for the agent"), blank=True)
    guidance_en = models.TextField(_("English guidance for the agent"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("intake template")
        verbose_name_plural = _("intake templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def display_guidance(self, language: str | None) -> str:
        if language and language.startswith("en") and self.guidance_en:
            return self.guidance_en
        return self.guidance

    def clean(self):
        from django.core.exceptions import ValidationError

        unknown = set(self.required_fields or []) - set(TemplateField.values)
        if unknown:
            raise ValidationError(
                {"required_fields": _("Unknown fields: %s") % ", ".join(sorted(unknown))}
            )


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TicketQuerySet":
        """Managers see every ticket; agents and supervisors their teams', those assigned to
        or owned by them, and those they opened (routed by channel to another team, a new
        ticket must not vanish from its author)."""
        if not user or not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_perm("tickets.view_all_tickets"):
            return self
        # The user's team ids are read first and passed as a list: with a subquery the
        # planner cannot see how few tickets a small team holds and scans the whole table
        # in list order (1.5 s at 1M tickets); with literal ids it uses the team index.
        # One more small query, and no join through members, so no DISTINCT either.
        from staff.models import Team

        team_ids = list(
            Team.members.through.objects.filter(user_id=user.pk).values_list("team_id", flat=True)
        )
        return self.filter(
            Q(team_id__in=team_ids) | Q(assignee=user) | Q(case_owner=user) | Q(created_by=user)
        )

    def open(self) -> "TicketQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class NewTicketReference(models.Func):
    """The reference of the ticket row being inserted, written by the INSERT itself (the
    ticket's db_default), so the row is never inserted under a placeholder and numbered by
    a second statement.

    PostgreSQL: Ticket.reference_for() of the id this INSERT drew from the id's sequence
    (the id, the table's first column, takes its default first; currval is this session's
    own). A row inserted with an id of its own (a bulk load) brings its reference too.
    Other databases cannot read the new id in a column default: a unique placeholder that
    ticket_create replaces once the id is known.
    """

    output_field = models.CharField()
    template = "('tmp-' || lower(hex(randomblob(8))))"

    def as_postgresql(self, compiler, connection, **extra_context):
        number = "currval(pg_get_serial_sequence('tickets_ticket', 'id'))::text"
        # Zero-padded to six digits and never cut short: as reference_for's {pk:06d}.
        return f"('SD-' || lpad({number}, greatest(6, length({number})), '0'))", []


class Ticket(models.Model):
    reference = models.CharField(
        _("reference"),
        max_length=20,
        unique=True,
        editable=False,
        db_default=NewTicketReference(),
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.SIMPLE
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    intake_template = models.ForeignKey(
        IntakeTemplate,
        verbose_name=_("intake template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    customer = models.ForeignKey(
        "customers.Customer",
        db_index=False,  # ticket_customer_created_idx leads with it
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    team = models.ForeignKey(
        "staff.Team",
        db_index=False,  # ticket_team_status_idx leads with it
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,  # ticket_assignee_status_idx leads with it
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    # Scenario fields an intake template may require.
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    customer_demand = models.TextField(_("customer's demand"), blank=True)
    preferred_contact_time = models.CharField(
        _("preferred contact time"), max_length=100, blank=True
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped by every change; the API's ETag and the pages' stale-form check read it.
    version = models.PositiveIntegerField(_("version"), default=1)
    # The SLA summary the queue sorts and filters by, kept by the database itself from the
    # ticket's clocks (triggers of SLA migration 0015, on PostgreSQL and SQLite alike, so
    # no writer of clocks or of the status can leave it stale): the nearest due and warning
    # times of the clocks still owed (running, or breached and not yet met) while the
    # ticket is unresolved, else NULL; and whether a clock waits paused. Whatever a save
    # writes here is replaced by what the clocks say.
    next_due_at = models.DateTimeField(
        _("next SLA due time"), null=True, blank=True, editable=False
    )
    next_warn_at = models.DateTimeField(
        _("next SLA warning time"), null=True, blank=True, editable=False
    )
    sla_paused = models.BooleanField(
        _("SLA paused"), default=False, db_default=False, editable=False
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_all_tickets", _("Can see every team's tickets")),
        ]
        indexes = [
            models.Index(fields=["status", "priority"], name="ticket_status_priority_idx"),
            models.Index(fields=["team", "status"], name="ticket_team_status_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            models.Index(fields=["customer", "created_at"], name="ticket_customer_created_idx"),
            # The queue's default order (nearest SLA due first), its breached and at-risk
            # views and the dashboard's live counts read the unresolved tickets' summary
            # from here (the counts from the index alone), not from every clock.
            models.Index(
                fields=["next_due_at"],
                include=["next_warn_at"],
                condition=Q(status__in=sorted(status.value for status in OPEN_STATUSES)),
                name="ticket_open_next_due_idx",
            ),
            # The queue's newest-first order and every period of the SLA dashboard (created
            # per day or week, backlog age); with the two event times alongside, its first
            # response and resolution times over a period read this index alone.
            models.Index(
                fields=["created_at"],
                include=["first_response_at", "resolved_at"],
                name="ticket_created_durations_idx",
            ),
            # The SLA dashboard's tickets resolved per day or week over a period.
            models.Index(
                fields=["resolved_at"],
                condition=Q(resolved_at__isnull=False),
                name="ticket_resolved_at_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @staticmethod
    def reference_for(pk: int) -> str:
        return f"SD-{pk:06d}"


class MessageKind(models.TextChoices):
    PUBLIC_REPLY = "reply", _("Public reply")
    INTERNAL_NOTE = "note", _("Internal note")
    CUSTOMER_MESSAGE = "customer", _("Customer message")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # RFC 822 Message-ID of an e-mail this message came from or was sent as.
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.INTERNAL_NOTE


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is ours; the customer's file name is kept in original_name only.
    return f"attachments/{instance.ticket_id}/{instance.sha256[:16]}"


class Mention(models.Model):
    """A colleague an internal note @mentioned and told (tickets/mentions.py): their
    queue's "Mentioning me" view lists the tickets."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="mentions"
    )
    message = models.ForeignKey(
        TicketMessage, verbose_name=_("note"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        indexes = [models.Index(fields=["user", "ticket"], name="mention_user_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} @{self.user_id}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        TicketMessage,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class TicketEvent(AppendOnlyModel):
    """One recorded change: who, what, when, from → to [S0 §03]. Never updated or deleted.

    The ORM refuses updates and deletes, and on PostgreSQL a trigger refuses them too,
    so raw SQL cannot rewrite history either.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # event_ticket_time_idx leads with it
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50)
    field = models.CharField(_("field"), max_length=50, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.field}".strip()
