"""The customer profile: one page (and one API answer) made of sections that apps register.

customers sits below tickets, complaints and quality, so it cannot read their rows; each
of those apps registers its own section from `AppConfig.ready()` instead:

    register_profile_section(
        "tickets", _("Tickets"), customer_tickets_by_customer, "tickets/_profile_tickets.html",
        order=40, serialize=tickets_for_api,
    )

A section's selector is set-based: `selector(customer_ids=[…], user=…)` answers
`{customer_id: value}` for all the customers asked about in a fixed number of queries, so
the profile costs the same for a customer with one ticket or a thousand, and a list of
customers could show a section without a query per row. The page renders each section's
template with `value`; the API puts `serialize(value, request)` under the section's name.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from .models import Customer

SectionSelector = Callable[..., Mapping[int, Any]]
SectionSerializer = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class ProfileSection:
    name: str
    title: Any
    selector: SectionSelector
    template: str
    order: int = 100
    serialize: SectionSerializer | None = None
    # Users without it do not see the section (e.g. satisfaction history).
    permission: str | None = None
    # What the selector's answer means for a customer it has nothing for.
    empty: Any = None

    def visible_to(self, user) -> bool:
        return self.permission is None or user.has_perm(self.permission)


PROFILE_SECTIONS: dict[str, ProfileSection] = {}


def register_profile_section(
    name: str,
    title,
    selector: SectionSelector,
    template: str,
    order: int = 100,
    *,
    serialize: SectionSerializer | None = None,
    permission: str | None = None,
    empty: Any = None,
) -> None:
    """Add (or, under the same name, replace) a section of the customer profile."""
    PROFILE_SECTIONS[name] = ProfileSection(
        name, title, selector, template, order, serialize, permission, empty
    )


def profile_sections(user) -> list[ProfileSection]:
    """The sections this user may see, in page order."""
    return sorted(
        (section for section in PROFILE_SECTIONS.values() if section.visible_to(user)),
        key=lambda section: (section.order, section.name),
    )


@dataclass(frozen=True)
class FilledSection:
    section: ProfileSection
    value: Any


def customer_profile_sections(*, customer_ids: Sequence[int], user) -> dict[int, list]:
    """Every visible section's value for each customer: one selector call per section."""
    filled: dict[int, list[FilledSection]] = {pk: [] for pk in customer_ids}
    for section in profile_sections(user):
        values = section.selector(customer_ids=list(customer_ids), user=user)
        for pk in customer_ids:
            filled[pk].append(FilledSection(section, values.get(pk, section.empty)))
    return filled


def render_profile_sections(request, customer: Customer, filled: list[FilledSection]) -> list:
    """Each section rendered by its template: (section, html)."""
    return [
        (
            item.section,
            render_to_string(
                item.section.template,
                {"customer": customer, "section": item.section, "value": item.value},
                request=request,
            ),
        )
        for item in filled
    ]


def serialize_profile_sections(request, filled: list[FilledSection]) -> dict[str, Any]:
    """The API's `sections` object: each section's value as JSON under its name."""
    return {
        item.section.name: (
            item.section.serialize(item.value, request)
            if item.section.serialize is not None
            else item.value
        )
        for item in filled
    }
