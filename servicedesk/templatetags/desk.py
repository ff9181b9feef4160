"""Template helpers of the agent pages: the main navigation, extra ticket-page panels,
and how people and audited values read.

Other apps add their pages to the navigation and their panels to the ticket page from
`AppConfig.ready()`, so the base layout never has to know about them:

    register_nav_item("sla:dashboard", _("SLA"), permission="tickets.view_all_tickets")
    register_ticket_panel("complaints/_stage_panel.html", complaint_panel_context)
    register_event_field("stage", label=_("Stage"), choices=Stage)  # for the timeline
    register_page_notice(calendar_notices)  # warnings on the queue and the dashboard
    register_event_model(Ticket)  # audited fields read by the model's verbose names

This module is foundation: it imports no app, so the tickets app registers its own
fields' choices and labels here like every other app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    permission: str | None = None
    staff_only: bool = False
    # Pages used now and then (scripts, API docs, admin): under "More" on wide screens.
    secondary: bool = False


NAV_ITEMS: list[NavItem] = [
    NavItem("tickets:queue", _("Queue"), permission="tickets.view_ticket"),
    NavItem("tickets:new", _("New ticket"), permission="tickets.add_ticket"),
    # Integrations are set up by administrators and managers (tokens, the SLA figures).
    NavItem("api:docs", _("API docs"), permission="tickets.view_all_tickets", secondary=True),
    NavItem("admin:index", _("Administration"), staff_only=True, secondary=True),
]


def register_nav_item(
    url_name: str,
    label,
    *,
    permission: str | None = None,
    staff_only: bool = False,
    secondary: bool = False,
) -> None:
    item = NavItem(url_name, label, permission, staff_only, secondary)
    if all(existing.url_name != url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)


@register.inclusion_tag("_nav.html", takes_context=True)
def main_navigation(context):
    request = context["request"]
    user = request.user
    links = []
    for item in NAV_ITEMS:
        if item.staff_only and not user.is_staff:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        # The queue is "/tickets/"; a ticket page below it still belongs to the queue.
        longest_match = url != "/" and request.path.startswith(url)
        links.append(
            {
                "url": url,
                "label": item.label,
                "active": longest_match,
                "secondary": item.secondary,
            }
        )
    # Only the most specific matching link is highlighted (/tickets/new/ over /tickets/).
    active = [link for link in links if link["active"]]
    if len(active) > 1:
        best = max(active, key=lambda link: len(link["url"]))
        for link in links:
            link["active"] = link is best
    primary = [link for link in links if not link["secondary"]]
    secondary = [link for link in links if link["secondary"]]
    # The bar holds what fits beside the language switch and the user's name from the
    # width where it replaces the menu button (desk.css); a manager's further daily pages
    # go first under "More", before the rarely used ones.
    in_bar, overflow = primary[:BAR_LINKS], primary[BAR_LINKS:]
    return {"links": primary + secondary, "primary": in_bar, "secondary": overflow + secondary}


BAR_LINKS = 6


# Warnings for the people who must act on them, shown above the queue and the dashboard:
# each callable takes the request and returns the texts to show (usually none).
PageNotices = Callable[[Any], list[str]]
PAGE_NOTICES: list[PageNotices] = []


def register_page_notice(notices: PageNotices) -> None:
    if notices not in PAGE_NOTICES:
        PAGE_NOTICES.append(notices)


@register.inclusion_tag("_page_notices.html", takes_context=True)
def page_notices(context):
    request = context["request"]
    return {"notices": [text for notices in PAGE_NOTICES for text in notices(request)]}


TicketPanelContext = Callable[[Any, Any], dict | None]
TICKET_PANELS: list[tuple[str, TicketPanelContext]] = []


def register_ticket_panel(template_name: str, context: TicketPanelContext) -> None:
    """A panel on the ticket page; `context(request, ticket)` returns None to hide it."""
    if all(name != template_name for name, _context in TICKET_PANELS):
        TICKET_PANELS.append((template_name, context))


@register.simple_tag(takes_context=True)
def ticket_panels(context, ticket):
    request = context["request"]
    rendered = []
    for template_name, panel_context in TICKET_PANELS:
        values = panel_context(request, ticket)
        if values is not None:
            rendered.append(
                render_to_string(template_name, {"ticket": ticket, **values}, request=request)
            )
    return mark_safe("".join(rendered))  # noqa: S308 — each part is an auto-escaped template  # nosec B308 B703


@register.filter
def person(user, empty=""):
    """A staff member as people know them: the full name, else the staff profile's
    display name when the query loaded it (select_related; never a query of its own),
    else the login name."""
    if user is None:
        return empty
    state = getattr(user, "_state", None)  # an AnonymousUser has no model state
    profile = state.fields_cache.get("staff_profile") if state is not None else None
    display_name = getattr(profile, "display_name", "")
    return user.get_full_name() or display_name or user.get_username()


# Audited fields of the apps' events: field name → label, → choices, → how a value reads.
_CHOICES_BY_FIELD: dict[str, Any] = {}
_LABEL_BY_FIELD: dict[str, Any] = {}
_DISPLAY_BY_FIELD: dict[str, Callable[[Any], str]] = {}
# Models whose fields' verbose names label audited fields no app registered a label for.
_LABEL_MODELS: list[type[models.Model]] = []


def register_event_field(
    name: str, *, label=None, choices=None, display: Callable[[Any], str] | None = None
) -> None:
    """Teach the timeline how another app's audited field and its values read; `display`
    renders a stored value itself (e.g. a snapshot dict, in the reader's language)."""
    if label is not None:
        _LABEL_BY_FIELD[name] = label
    if choices is not None:
        _CHOICES_BY_FIELD[name] = choices
    if display is not None:
        _DISPLAY_BY_FIELD[name] = display


def register_event_model(model: type[models.Model]) -> None:
    """Audited fields named like this model's fields read as their verbose names."""
    if model not in _LABEL_MODELS:
        _LABEL_MODELS.append(model)


@register.filter
def field_label(field_name: str) -> str:
    """The translated name of an audited field ("status" → "状态")."""
    if not field_name:
        return ""
    if field_name in _LABEL_BY_FIELD:
        return capfirst(_LABEL_BY_FIELD[field_name])
    for model in _LABEL_MODELS:
        try:
            return capfirst(model._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:  # events of other apps may name fields of their own
            continue
    return capfirst(field_name.replace("_", " "))


@register.filter
def event_value(value, field_name: str = "") -> str:
    """An audited before/after value as a person reads it: choice labels, names, lists."""
    if value is None or value == "":
        return "—"
    display = _DISPLAY_BY_FIELD.get(field_name)
    if display is not None:
        return display(value)
    choices = _CHOICES_BY_FIELD.get(field_name)
    if (
        choices is not None
        and isinstance(value, str | int)
        and not isinstance(value, bool)
        and value in choices.values
    ):
        return str(choices(value).label)
    if isinstance(value, list):
        return ", ".join(event_value(item) for item in value) or "—"
    if isinstance(value, dict):
        if "label" in value:
            return str(value["label"])
        return ", ".join(
            f"{field_label(key)}: {event_value(item, key)}" for key, item in value.items()
        )
    if isinstance(value, str):
        moment = _stored_moment(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(value)


def _stored_moment(value: str) -> datetime | None:
    """An aware datetime the audit stored as ISO text (it keeps UTC), else None."""
    if "T" not in value or len(value) < 19:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


@register.filter
def has_before_after(event) -> bool:
    return bool(event.field) and not (event.before is None and event.after is None)


@register.filter
def age(value) -> str:
    """How long ago, to the largest unit only ("3 days", "5 minutes")."""
    if not value:
        return ""
    return timesince(value, depth=1)


@register.filter
def template_name(intake_template) -> str:
    """An intake template's name in the page's language."""
    return intake_template.display_name(get_language())


@register.filter
def template_guidance(intake_template) -> str:
    """An intake template's guidance for the agent in the page's language."""
    return intake_template.display_guidance(get_language())
