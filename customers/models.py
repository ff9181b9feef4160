"""Customers who raise tickets; tiers, segments and care grow here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import AppendOnlyModel

from .fields import EncryptedTextField, LookupHashField

# Defined in their own module (a concept of its own); imported here so Django finds them.
from .membership_models import (  # noqa: F401
    LevelProposal,
    LtvReview,
    MembershipLevel,
    ProposalState,
)

# Fields of a customer that are personal data: encrypted at rest, masked on display.
PERSONAL_DATA_FIELDS = ("email", "phone", "id_number")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class Tier(models.TextChoices):
    # Classified by spend, frequency and loyalty [S1 §5.1]; important customers get priority.
    IMPORTANT = "important", _("Important")
    GENERAL = "general", _("General")
    POTENTIAL = "potential", _("Potential")


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


# A customer carries at most this many preference tags, each at most this long.
PREFERENCE_TAGS_MAX = 20
PREFERENCE_TAG_MAX_LENGTH = 40


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    # Personal data, encrypted at rest (customers/fields.py says why a field); the columns
    # are named *_ciphertext so that a raw INSERT of plaintext into "email" fails loudly.
    email = EncryptedTextField(
        _("e-mail"), blank=True, db_column="email_ciphertext", default="", db_default=""
    )
    phone = EncryptedTextField(
        _("phone"), blank=True, db_column="phone_ciphertext", default="", db_default=""
    )
    id_number = EncryptedTextField(
        _("ID number"),
        blank=True,
        db_column="id_number_ciphertext",
        default="",
        db_default="",
        help_text=_("Identity document number (resident ID card, passport…), optional."),
    )
    # Keyed hashes of the normalised values: the only way to find a customer by them.
    email_lookup = LookupHashField(source="email", kind="email", db_index=True, db_default="")
    phone_lookup = LookupHashField(source="phone", kind="phone", db_index=True, db_default="")
    id_number_lookup = LookupHashField(
        source="id_number", kind="id_number", db_index=True, db_default=""
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.GENERAL)
    # Never in the future (checked by the services and the import: "today" is not a constant
    # a database constraint could hold).
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # What the customer prefers ("prefers calls after 18:00", "eco packaging"): short free
    # texts agents and imports add [S0 §03 customer profile]. A JSON list, so it works on the
    # embedded SQLite too.
    preference_tags = models.JSONField(_("preference tags"), default=list, blank=True)
    # Care contacts (return visits, greetings) stop while this is set [S1 §5.2: no
    # over-marketing]; who recorded it is kept beside it and in the customer's history.
    care_opted_out_at = models.DateTimeField(
        _("opted out of care contacts at"), null=True, blank=True
    )
    care_opted_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opt-out recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The membership ladder (customers/membership_models.py); none: the lowest rung.
    membership_level = models.ForeignKey(
        "customers.MembershipLevel",
        verbose_name=_("membership level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    # A dedicated advisor, for levels that grant one: new tickets route to them and their
    # team (the team alone while the advisor's account is inactive or left the team).
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated advisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_customers",
    )
    advisor_team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("advisor's team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_customers",
    )
    # A tier set by hand is pinned: the nightly segmentation leaves it until unpinned.
    tier_pinned_at = models.DateTimeField(_("tier pinned at"), null=True, blank=True)
    tier_pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tier pinned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tier_pin_reason = models.TextField(_("why the tier is pinned"), blank=True)
    # Optimistic concurrency (the API's ETag/If-Match): bumped by every service change.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        permissions = [
            (
                "view_customer_contact",
                _("Can see customers' phone numbers, e-mail addresses and ID numbers"),
            ),
            ("import_customers", _("Can import customers from a CSV file")),
        ]
        # One customer per e-mail address, phone number and ID number (by their lookup
        # hashes; an empty value is no value): what the services check before they write,
        # held by the database for writers that check at the same moment (two imports, an
        # import and a ticket's new customer).
        constraints = [
            models.UniqueConstraint(
                fields=[f"{name}_lookup"],
                condition=~models.Q(**{f"{name}_lookup": ""}),
                name=f"customer_one_per_{name}",
            )
            for name in PERSONAL_DATA_FIELDS
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        # A saved personal-data field brings its lookup hash along (LookupHashField).
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {
                f"{name}_lookup" for name in PERSONAL_DATA_FIELDS if name in update_fields
            }
        super().save(*args, update_fields=update_fields, **kwargs)


class CustomerAction(models.TextChoices):
    TIER_CHANGED = "customer.tier_changed", _("Tier changed")
    CONTACT_UPDATED = "customer.contact_updated", _("Contact details changed")
    PURCHASE_RECORDED = "customer.purchase_recorded", _("Purchase recorded")
    REGISTERED = "customer.registered", _("Registered")
    IMPORTED = "customer.imported", _("Imported")
    CARE_OPTED_OUT = "customer.care_opted_out", _("Opted out of care contacts")
    CARE_OPTED_IN = "customer.care_opted_in", _("Opted in to care contacts again")
    LEVEL_CHANGED = "customer.level_changed", _("Membership level changed")
    ADVISOR_CHANGED = "customer.advisor_changed", _("Dedicated advisor changed")
    TIER_UNPINNED = "customer.tier_unpinned", _("Tier unpinned")
    CONTACT_REVEALED = "customer.contact_revealed", _("Personal data revealed")


class CustomerEvent(AppendOnlyModel):
    """One recorded change of a customer: who, when, what (field → [before, after]), why.

    Append-only like the ticket audit trail: the ORM refuses updates and deletes.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50, choices=CustomerAction.choices)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["customer", "created_at"], name="customer_event_time_idx")]

    def __str__(self) -> str:
        return self.get_action_display()


class Purchase(models.Model):
    """One order of a customer, as the shop or an integration reports it: the spend and
    frequency that tiers are reviewed by [S1 §5.1]. An order number is recorded once per
    customer (a retried report is refused, not counted twice)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="purchases",
        db_index=False,  # purchase_one_per_order and purchase_customer_time_idx lead with it
    )
    order_number = models.CharField(_("order number"), max_length=64)
    product = models.CharField(_("product"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    channel = models.CharField(_("sales channel"), max_length=50, blank=True)
    purchased_at = models.DateTimeField(_("purchased at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-purchased_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "order_number"], name="purchase_one_per_order"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="purchase_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "purchased_at"], name="purchase_customer_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order_number} ({self.amount} {self.currency})"


class SegmentationRule(models.Model):
    """How customers are classified important / general / potential [S1 §5.1]: the window,
    the full marks of each input, their weights and the class thresholds.

    A row an administrator edits in the admin rather than settings: managers tune the
    classes as the business changes, without a deploy, and each computed segment keeps the
    values it was computed with, so the profile explains a class by the rule that gave it.
    The first use creates the row with these defaults.
    """

    window_days = models.PositiveIntegerField(
        _("window (days)"),
        default=365,
        help_text=_("Recency, spend and frequency count purchases of this many days."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="CNY",
        help_text=_("Spend counts purchases in this currency (amounts are not converted)."),
    )
    spend_full_marks = models.DecimalField(
        _("spend for full marks"), max_digits=12, decimal_places=2, default=10000
    )
    orders_full_marks = models.PositiveIntegerField(_("orders for full marks"), default=12)
    tenure_full_marks_days = models.PositiveIntegerField(
        _("tenure for full marks (days)"), default=730
    )
    repeat_full_marks = models.PositiveIntegerField(_("repeat purchases for full marks"), default=5)
    recency_weight = models.PositiveIntegerField(_("recency weight"), default=20)
    spend_weight = models.PositiveIntegerField(_("spend weight"), default=35)
    frequency_weight = models.PositiveIntegerField(_("frequency weight"), default=20)
    tenure_weight = models.PositiveIntegerField(_("tenure weight"), default=10)
    repeat_weight = models.PositiveIntegerField(_("repeat purchase weight"), default=15)
    important_min_score = models.PositiveIntegerField(
        _("lowest score of an important customer"), default=60
    )
    general_min_score = models.PositiveIntegerField(
        _("lowest score of a general customer"), default=20
    )
    # Important customers get a dedicated team and priority service [S1 §5.1].
    important_team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("important customers' team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("New tickets of important customers go to this team."),
    )
    important_priority_raised = models.BooleanField(
        _("important customers get high priority"),
        default=True,
        help_text=_("New tickets of important customers are at least high priority."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("segmentation rule")
        verbose_name_plural = _("segmentation rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__gt=0)
                & models.Q(spend_full_marks__gt=0)
                & models.Q(orders_full_marks__gt=0)
                & models.Q(tenure_full_marks_days__gt=0)
                & models.Q(repeat_full_marks__gt=0),
                name="segmentation_full_marks_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(important_min_score__lte=100)
                & models.Q(general_min_score__lte=models.F("important_min_score")),
                name="segmentation_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(recency_weight__gt=0)
                | models.Q(spend_weight__gt=0)
                | models.Q(frequency_weight__gt=0)
                | models.Q(tenure_weight__gt=0)
                | models.Q(repeat_weight__gt=0),
                name="segmentation_some_weight",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Segmentation rule"))


class SegmentationRun(models.Model):
    """One run of the segmentation: when, by whom, with which rule values (so each
    customer's class is explained by the rule that gave it, even after an edit)."""

    computed_at = models.DateTimeField(_("computed at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rule = models.JSONField(_("rule values"))
    customers_classified = models.PositiveIntegerField(_("customers classified"), default=0)
    customers_moved = models.PositiveIntegerField(_("customers moved to another class"), default=0)

    class Meta:
        verbose_name = _("segmentation run")
        verbose_name_plural = _("segmentation runs")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return str(self.computed_at)


class CustomerSegment(models.Model):
    """The latest computed class of a customer with the inputs and points that gave it,
    written for all customers at once by segmentation.py (one statement)."""

    customer = models.OneToOneField(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="segment",
    )
    run = models.ForeignKey(
        SegmentationRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="+"
    )
    segment = models.CharField(_("class"), max_length=20, choices=Tier.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    last_purchase_at = models.DateTimeField(_("last purchase in the window"), null=True)
    recency_days = models.PositiveIntegerField(_("days since last purchase"), null=True)
    spend = models.DecimalField(_("spend in the window"), max_digits=14, decimal_places=2)
    orders = models.PositiveIntegerField(_("orders in the window"))
    tenure_days = models.PositiveIntegerField(_("tenure (days)"))
    repeat_purchases = models.PositiveIntegerField(_("repeat purchases"))
    recency_points = models.DecimalField(_("recency points"), max_digits=5, decimal_places=2)
    spend_points = models.DecimalField(_("spend points"), max_digits=5, decimal_places=2)
    frequency_points = models.DecimalField(_("frequency points"), max_digits=5, decimal_places=2)
    tenure_points = models.DecimalField(_("tenure points"), max_digits=5, decimal_places=2)
    repeat_points = models.DecimalField(_("repeat purchase points"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment} ({self.score})"
