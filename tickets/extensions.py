"""What other apps add to the ticket services without tickets importing them: guards on
who may handle a ticket, kinds that only their owning app opens (a complaint), and how
inbound mail to such an app's mailbox opens its kind.

The owning app registers at start-up (its AppConfig.ready); the ticket services consult
these registries inside their transactions, so a refusal leaves nothing written.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ValidationError

from .models import Kind, Ticket


@dataclass(frozen=True)
class HandlingAct:
    """Someone handles a ticket: assigns it (to `assignee`), replies publicly, or moves
    its status (to `status`)."""

    ASSIGN = "assign"
    REPLY = "reply"
    STATUS = "status"

    action: str
    actor: object
    assignee: object = None
    status: str = ""


# Other apps require more of whoever handles their tickets (a complaint's severity sets
# who may handle it [S0 §03]); a guard raises AuthorityError or ValidationError.
HandlingGuard = Callable[[Ticket, HandlingAct], None]
_handling_guards: list[HandlingGuard] = []


def register_handling_guard(guard: HandlingGuard) -> None:
    if guard not in _handling_guards:
        _handling_guards.append(guard)


def check_handling(ticket: Ticket, act: HandlingAct) -> None:
    for guard in _handling_guards:
        guard(ticket, act)


@dataclass(frozen=True)
class KindOwner:
    """An app whose workflow alone opens tickets of a kind: a complaint needs its severity,
    category and clocks, which a bare ticket lacks [S0 §03, S1 §5.3]."""

    app_label: str
    page_url_name: str
    api_path: str


_kind_owners: dict[str, KindOwner] = {}
MSG_KIND_OWNED = _(
    "A %(kind)s is opened through its own workflow: use the page %(page)s or "
    "POST %(api)s, so that its severity, category and clocks are recorded."
)
MSG_KIND_CHANGE_OWNED = _(
    "A ticket cannot become or stop being a %(kind)s by a change of kind: open it on "
    "the page %(page)s or with POST %(api)s."
)


def register_kind_owner(kind: str, *, app_label: str, page_url_name: str, api_path: str) -> None:
    _kind_owners[kind] = KindOwner(app_label, page_url_name, api_path)


def kind_owner(kind: str) -> KindOwner | None:
    return _kind_owners.get(kind)


def is_kind_owned(kind: str) -> bool:
    return kind in _kind_owners


def kind_owned_message(message, kind: str) -> str:
    owner = _kind_owners[kind]
    return message % {
        "kind": Kind(kind).label.lower(),
        "page": reverse(owner.page_url_name),
        "api": owner.api_path,
    }


def refuse_owned_kind(kind: str, opened_by: str) -> None:
    owner = _kind_owners.get(kind)
    if owner is not None and owner.app_label != opened_by:
        raise ValidationError(kind_owned_message(MSG_KIND_OWNED, kind), field="kind")


# The app that owns a kind opens it from inbound mail (a complaint from mail to the
# complaint mailbox [S1 §5.3]): opener(actor=, subject=, description=, customer=) → the
# new ticket, written by that app's own service.
MailOpener = Callable[..., Ticket]
_mail_openers: dict[str, MailOpener] = {}


def register_mail_opener(kind: str, opener: MailOpener) -> None:
    _mail_openers[kind] = opener


def mail_opener(kind: str) -> MailOpener:
    return _mail_openers[kind]


@dataclass(frozen=True)
class QueueView:
    """A saved view of the agent queue that another app adds (complaints by stage): its
    key in ?scope=, its label, and the condition on tickets it stands for."""

    key: str
    label: object
    condition: Callable[[], Q]
    group: object = ""


_queue_views: dict[str, QueueView] = {}


def register_queue_view(key: str, label, condition: Callable[[], Q], *, group="") -> None:
    _queue_views[key] = QueueView(key, label, condition, group)


def queue_view(key: str) -> QueueView | None:
    return _queue_views.get(key)


def queue_views() -> list[QueueView]:
    return list(_queue_views.values())
