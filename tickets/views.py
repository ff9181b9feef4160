"""Agent pages for tickets: the queue, the ticket page with its forms, and a new ticket.

Each view starts with the one access check, parses input with a form, calls a service or
a selector and renders. A domain error goes back next to its field with status 422 and
the input kept; success redirects back (post/redirect/get) with a message, or, for htmx,
re-renders the same partial the full page uses.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.picker import customer_picker_context, finding_customer
from servicedesk.exceptions import ServiceDeskError
from servicedesk.templatetags.desk import person

from .audit import EventAction
from .bulk import ticket_bulk_assign, ticket_bulk_change_status
from .extensions import kind_owner
from .forms import (
    AssignForm,
    BulkChangeForm,
    NewTicketForm,
    PriorityForm,
    QueueFilterForm,
    ReplyForm,
    StatusForm,
    TagsForm,
    TemplateChoiceForm,
    add_service_error,
)
from .models import Attachment, IntakeTemplate, Ticket
from .presence import colleagues_writing, presence_beat, presence_leave
from .selectors import (
    agent_channel,
    agent_queue,
    canned_replies_for,
    changed_rows,
    customer_summary,
    queue_page_versions,
    ticket_for_user,
    ticket_timeline,
    tickets_by_reference_for_user,
)
from .services import (
    ticket_assign,
    ticket_change_priority,
    ticket_change_status,
    ticket_create,
    ticket_note,
    ticket_reply,
    ticket_update_details,
)
from .sla.selectors import ticket_clocks

QUEUE_PAGE_SIZE = 25
QUEUE_REFRESH_SECONDS = 20
# How often the ticket page asks who else is writing, and the composer says it is.
PRESENCE_POLL_SECONDS = 5
PRESENCE_BEAT_SECONDS = 5
# Invalid input re-renders the form; 422 tells htmx (configured in base.html) to swap it in.
INVALID = 422
CHANGE_PERMISSION = "tickets.change_ticket"
ADD_PERMISSION = "tickets.add_ticket"
# These events have a message card of their own in the timeline; a second line would repeat it.
_EVENTS_SHOWN_AS_MESSAGES = frozenset(
    {EventAction.REPLIED, EventAction.NOTED, EventAction.CUSTOMER_MESSAGE}
)


def _ticket_for(request, reference: str, *, write: bool = False) -> Ticket:
    """The one access check: the ticket if this user may see it (else 404) and, for a
    change, holds the permission to change tickets (else 403)."""
    if write and not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    return ticket_for_user(request.user, reference)


@login_required
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET)
    valid = form.is_valid()
    tickets = agent_queue(user=request.user, filters=form.queue_filters())
    page = Paginator(tickets, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    shown = queue_page_versions(rows)
    # The live refresh (htmx, every QUEUE_REFRESH_SECONDS) says which rows it shows;
    # nothing changed is 204, which htmx leaves alone; otherwise the changed rows stand out.
    seen = request.GET.get("seen")
    partial = request.htmx and request.htmx.target == "queue-results"
    if partial and seen is not None and seen == shown:
        return HttpResponse(status=204)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "shown": shown,
        "changed": changed_rows(seen, rows) if seen is not None else set(),
        "scope": form.queue_filters().scope,
        "bulk_form": BulkChangeForm(),
        "refresh_seconds": QUEUE_REFRESH_SECONDS,
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
    }
    # The filter form asks htmx to refresh only the results; tabs and links load the page.
    template = "tickets/_queue_table.html" if partial else "tickets/queue.html"
    return render(request, template, context, status=200 if valid else INVALID)


@login_required
@require_POST
def bulk(request):
    """Assign or move the ticked tickets, each through its own service call."""
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    form = BulkChangeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back_to_queue(request))
    items = form.cleaned_data["items"]
    tickets = tickets_by_reference_for_user(request.user, [ref for ref, _version in items])
    if form.cleaned_data["action"] == BulkChangeForm.ASSIGN:
        outcomes = ticket_bulk_assign(
            actor=request.user,
            items=items,
            tickets=tickets,
            assignee=form.cleaned_data["assignee"],
        )
    else:
        outcomes = ticket_bulk_change_status(
            actor=request.user, items=items, tickets=tickets, to=form.cleaned_data["status"]
        )
    changed = [outcome.reference for outcome in outcomes if outcome.changed]
    if changed:
        messages.success(
            request,
            _("Changed %(count)d tickets: %(references)s.")
            % {"count": len(changed), "references": ", ".join(changed)},
        )
    for outcome in outcomes:
        if not outcome.changed:
            messages.error(request, f"{outcome.reference}: {outcome.error}")
    return redirect(_back_to_queue(request))


def _back_to_queue(request) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("tickets:queue")


def _render_ticket(request, ticket: Ticket, *, bound=None, status: int = 200):
    """The ticket page (or its htmx partial) with fresh forms, except `bound`, which keeps
    the agent's input and errors."""
    tags = list(ticket.tags.all())
    forms = {
        "reply_form": ReplyForm(ticket=ticket),
        "tags_form": TagsForm(ticket=ticket, tags=tags),
        "assign_form": AssignForm(ticket=ticket),
        "status_form": StatusForm(ticket=ticket),
        "priority_form": PriorityForm(ticket=ticket),
    }
    if bound is not None:
        # The page now shows the ticket as it is, so the kept input carries today's version.
        bound.data = bound.data.copy()
        bound.data["version"] = ticket.version
        forms[f"{bound.form_name}_form"] = bound
    timeline = [
        entry
        for entry in ticket_timeline(ticket)
        if not (entry.kind == "event" and entry.item.action in _EVENTS_SHOWN_AS_MESSAGES)
    ]
    context = {
        "ticket": ticket,
        "tags": tags,
        "customer_summary": customer_summary(request.user, ticket),
        "canned_replies": canned_replies_for(ticket, page_language=request.LANGUAGE_CODE),
        "timeline": timeline,
        "sla_clocks": ticket_clocks(ticket),
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
        "presence_poll_seconds": PRESENCE_POLL_SECONDS,
        "presence_beat_seconds": PRESENCE_BEAT_SECONDS,
        **forms,
    }
    template = "tickets/_ticket.html" if request.htmx else "tickets/detail.html"
    return render(request, template, context, status=status)


def _after_change(request, reference: str, form, success_message: str):
    """Post/redirect/get on success; otherwise the page again with the form's errors."""
    ticket = ticket_for_user(request.user, reference)
    if form.errors:
        return _render_ticket(request, ticket, bound=form, status=INVALID)
    messages.success(request, success_message)
    if request.htmx:
        return _render_ticket(request, ticket)
    return redirect("tickets:detail", reference=ticket.reference)


@login_required
@require_GET
def detail(request, reference: str):
    ticket = _ticket_for(request, reference)
    return _render_ticket(request, ticket)


@login_required
@require_POST
def reply(request, reference: str, kind: str = ""):
    """The composer: a public reply with its files, or an internal note (the button
    pressed, or the note URL, says which)."""
    ticket = _ticket_for(request, reference, write=True)
    data = request.POST.copy()
    if kind:
        data["kind"] = kind
    form = ReplyForm(data, request.FILES, ticket=ticket)
    done = _("Reply sent.")
    if form.is_valid():
        try:
            if form.cleaned_data["kind"] == ReplyForm.NOTE:
                done = _("Internal note added.")
                note = ticket_note(
                    ticket=ticket, actor=request.user, body=form.cleaned_data["body"]
                )
                _tell_mentions(request, note.mentions)
            else:
                ticket_reply(
                    ticket=ticket,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    uploaded_files=form.cleaned_data["file"],
                )
        except ServiceDeskError as error:
            add_service_error(form, error)
        else:
            presence_leave(ticket_id=ticket.pk, user=request.user)
    return _after_change(request, reference, form, done)


def _tell_mentions(request, mentions) -> None:
    # A colleague without an e-mail address is told only by the queue's "Mentioning me".
    by_email = [user for user in mentions.notified if user.email]
    in_queue_only = [user for user in mentions.notified if not user.email]
    if by_email:
        messages.info(
            request,
            _("Told by e-mail: %(names)s.")
            % {"names": ", ".join(person(user) for user in by_email)},
        )
    if in_queue_only:
        messages.info(
            request,
            _("No e-mail address, so told only under “Mentioning me”: %(names)s.")
            % {"names": ", ".join(person(user) for user in in_queue_only)},
        )
    if mentions.not_notified:
        messages.warning(
            request,
            _("Not told, they cannot see this ticket: %(names)s.")
            % {"names": ", ".join(person(user) for user in mentions.not_notified)},
        )


@login_required
@require_http_methods(["GET", "POST"])
def presence(request, reference: str):
    """htmx: who else is writing on this ticket; a POST (the composer's heartbeat while
    its owner types) also says that this user is."""
    ticket = _ticket_for(request, reference, write=request.method == "POST")
    if request.method == "POST":
        presence_beat(ticket_id=ticket.pk, user=request.user)
    names = colleagues_writing(ticket_id=ticket.pk, user=request.user)
    return render(request, "tickets/_presence.html", {"names": names})


def note(request, reference: str):
    return reply(request, reference, kind=ReplyForm.NOTE)


@login_required
@require_POST
def tags(request, reference: str):
    ticket = _ticket_for(request, reference, write=True)
    form = TagsForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_update_details(
                ticket=ticket,
                actor=request.user,
                changes={},
                tags=form.tag_names(),
                expected_version=form.cleaned_data["version"],
            )
        except ServiceDeskError as error:
            add_service_error(form, error)
    return _after_change(request, reference, form, _("Tags saved."))


@login_required
@require_POST
def assign(request, reference: str):
    ticket = _ticket_for(request, reference, write=True)
    form = AssignForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_assign(
                ticket=ticket,
                actor=request.user,
                assignee=form.cleaned_data["assignee"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceDeskError as error:
            add_service_error(form, error)
    return _after_change(request, reference, form, _("Assignment saved."))


@login_required
@require_POST
def change_status(request, reference: str):
    ticket = _ticket_for(request, reference, write=True)
    form = StatusForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_change_status(
                ticket=ticket,
                actor=request.user,
                to=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceDeskError as error:
            add_service_error(form, error)
    return _after_change(request, reference, form, _("Status changed."))


@login_required
@require_POST
def change_priority(request, reference: str):
    ticket = _ticket_for(request, reference, write=True)
    form = PriorityForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_change_priority(
                ticket=ticket,
                actor=request.user,
                priority=form.cleaned_data["priority"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceDeskError as error:
            add_service_error(form, error)
    return _after_change(request, reference, form, _("Priority changed."))


@login_required
@require_GET
def attachment(request, reference: str, attachment_id: int):
    """Files are served only through the ticket they belong to, never from a public URL."""
    ticket = _ticket_for(request, reference)
    try:
        stored = Attachment.objects.get(ticket=ticket, pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


def _require_add_permission(request) -> None:
    if not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    _require_add_permission(request)
    if "template" not in request.GET:
        return render(request, "tickets/new_choose.html", _chooser_context(request))
    choice = TemplateChoiceForm(request.GET)
    if not choice.is_valid():
        return render(
            request, "tickets/new_choose.html", _chooser_context(request, choice), status=INVALID
        )
    template = choice.cleaned_data["template"]
    owner = kind_owner(template.kind) if template is not None else None
    if owner is not None and request.method == "GET":
        # The scenario belongs to another workflow (a complaint): its own page opens it.
        messages.info(
            request,
            _("A %(kind)s is opened on this page, with its severity and category.")
            % {"kind": template.get_kind_display().lower()},
        )
        return redirect(owner.page_url_name)
    status = 200
    if finding_customer(request):
        # "Find" without script: the same form again with the matches; nothing is saved.
        form = NewTicketForm(template=template, initial=request.POST.dict())
    elif request.method == "POST":
        form = NewTicketForm(request.POST, template=template)
        if form.is_valid():
            try:
                ticket = _open_ticket(request.user, form)
            except ServiceDeskError as error:
                add_service_error(form, error)
            else:
                return _after_open(request, ticket)
        status = INVALID
    else:
        form = NewTicketForm(template=template, initial={"channel": agent_channel(request.user)})
    context = {
        "form": form,
        "template": template,
        "template_slug": template.slug if template else TemplateChoiceForm.NO_TEMPLATE,
        "customer_required": form.customer_required,
        **customer_picker_context(request, form),
    }
    return render(request, "tickets/new.html", context, status=status)


def _chooser_context(request, choice=None) -> dict:
    return {
        "choice": choice,
        "templates": IntakeTemplate.objects.filter(active=True).order_by("pk"),
        "language": request.LANGUAGE_CODE,
    }


def _open_ticket(user, form: NewTicketForm) -> Ticket:
    return ticket_create(
        actor=user,
        customer=form.cleaned_data.get("customer"),
        new_customer=form.new_customer_fields(),
        **form.ticket_fields(),
    )


def _after_open(request, ticket: Ticket):
    # The author may always open the ticket (Ticket.objects.visible_to), wherever the
    # channel routed it; the message links to it so it is one click away from any page.
    link = format_html(
        '<a href="{}">{}</a>', reverse("tickets:detail", args=[ticket.reference]), ticket.reference
    )
    text = conditional_escape(_("Ticket %(reference)s opened for team %(team)s."))
    messages.success(
        request,
        mark_safe(text % {"reference": link, "team": conditional_escape(ticket.team or "—")}),  # noqa: S308  # nosec B308 B703 — both parts escaped above
    )
    return redirect("tickets:detail", reference=ticket.reference)
