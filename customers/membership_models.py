"""The membership ladder (VIP levels) and the quarterly lifetime-value review's records.

Imported by customers/models.py so Django finds them; kept apart from the customer record
because the ladder and the review are concepts of their own [S0 §03].
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class MembershipLevel(models.Model):
    """One rung of the ladder (standard / silver / gold / platinum by default, loaded by a
    data migration, then the administrator's to edit).

    The privileges a level grants are enforced by the product: a dedicated advisor (new
    tickets route to them and their team), a fast lane (SLA policies match the level), and
    priority in the agent queue (higher `rank` first). A customer without a level stands on
    the lowest rung.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("Higher ranks come first in the agent queue.")
    )
    dedicated_advisor = models.BooleanField(
        _("dedicated advisor"),
        default=False,
        help_text=_("New tickets of the customer go to their advisor and the advisor's team."),
    )
    min_lifetime_value = models.DecimalField(
        _("lowest lifetime value"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("The quarterly review proposes this level from this lifetime value up."),
    )

    class Meta:
        verbose_name = _("membership level")
        verbose_name_plural = _("membership levels")
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_lifetime_value__gte=0),
                name="membership_level_value_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        language = language if language is not None else get_language()
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class LtvReview(models.Model):
    """One quarter's lifetime-value review: when it ran, the Pareto figures (how much of
    the revenue the top 20 % of customers bring [S2 §4.1.2]) and its level proposals."""

    quarter = models.CharField(_("quarter"), max_length=7, unique=True)  # e.g. 2026-Q4
    computed_at = models.DateTimeField(_("computed at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3)
    customers_count = models.PositiveIntegerField(_("customers"), default=0)
    revenue_total = models.DecimalField(_("revenue"), max_digits=18, decimal_places=2, default=0)
    top_customers_count = models.PositiveIntegerField(_("customers in the top fifth"), default=0)
    top_revenue = models.DecimalField(
        _("revenue of the top 20 %"), max_digits=18, decimal_places=2, default=0
    )
    proposals_count = models.PositiveIntegerField(_("proposals"), default=0)

    class Meta:
        verbose_name = _("lifetime-value review")
        verbose_name_plural = _("lifetime-value reviews")
        ordering = ["-computed_at", "-pk"]
        permissions = [
            ("review_ltv", _("Can approve or reject the lifetime-value review's proposals")),
        ]

    def __str__(self) -> str:
        return self.quarter

    @property
    def quarter_label(self) -> str:
        """The quarter for people, in their language (the stored code reads 2026-Q4)."""
        year, quarter = self.quarter.split("-Q")
        return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}

    @property
    def top_share_percent(self):
        """The top 20 %'s share of the revenue, in percent (None without revenue)."""
        if not self.revenue_total:
            return None
        return round(100 * self.top_revenue / self.revenue_total, 1)


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # A later review proposed again for the customer: this one is no longer decided.
    SUPERSEDED = "superseded", _("Superseded")


class LevelProposal(models.Model):
    """A proposed move of one customer to another level, with its reason: the lifetime
    value against the level's threshold. A manager approves (the level changes through
    the audited service) or rejects it."""

    review = models.ForeignKey(
        LtvReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="proposals"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="level_proposals",
        db_index=False,  # level_proposal_customer_idx leads with it
    )
    from_level = models.ForeignKey(
        MembershipLevel,
        verbose_name=_("from level"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_level = models.ForeignKey(
        MembershipLevel, verbose_name=_("to level"), on_delete=models.PROTECT, related_name="+"
    )
    lifetime_value = models.DecimalField(_("lifetime value"), max_digits=16, decimal_places=2)
    orders = models.PositiveIntegerField(_("orders"))
    state = models.CharField(
        _("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("level proposal")
        verbose_name_plural = _("level proposals")
        ordering = ["review", "-lifetime_value", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "customer"], name="level_proposal_one_per_review"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "state"], name="level_proposal_customer_idx"),
            models.Index(fields=["review", "state"], name="level_proposal_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_level_id} → {self.to_level_id}"

    @property
    def is_upgrade(self) -> bool:
        return self.to_level.rank > self.from_level.rank
