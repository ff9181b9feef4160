"""The care messages in both languages: rendered in the customer's language when the
daily plan hands them to the outbox."""

from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import CareKind

SUBJECTS = {
    CareKind.COMPLAINT_RETURN: _("How are things since we resolved your complaint?"),
    CareKind.PURCHASE_RETURN: _("How are you getting on with your purchase?"),
    CareKind.BIRTHDAY: _("Happy birthday, %(name)s!"),
    CareKind.HOLIDAY: _("Season's greetings: %(holiday)s"),
}
BODIES = {
    CareKind.COMPLAINT_RETURN: _(
        "Dear %(name)s,\n\nsome days ago we resolved your complaint. We would like to know "
        "whether everything has stayed as agreed; just reply to this message if anything "
        "still troubles you."
    ),
    CareKind.PURCHASE_RETURN: _(
        "Dear %(name)s,\n\nthank you for your recent purchase. If anything about it is not "
        "as you expected, reply to this message and we will help."
    ),
    CareKind.BIRTHDAY: _(
        "Dear %(name)s,\n\nall of us wish you a happy birthday and a wonderful year ahead."
    ),
    CareKind.HOLIDAY: _("Dear %(name)s,\n\nwe wish you and your family a happy %(holiday)s."),
}
OPT_OUT_LINE = _(
    "If you would rather not receive messages like this, reply and tell us: we will stop."
)
HOLIDAY_FALLBACK = _("holiday")


@lru_cache(maxsize=256)
def _texts(kind: str, language: str, holiday: str) -> tuple[str, str]:
    """The subject and body in `language` with only the name left to fill: translated once
    per kind, language and holiday rather than once per customer (a holiday greets all)."""
    with translation.override(language):
        values = {
            "name": "%(name)s",
            "holiday": (holiday or str(HOLIDAY_FALLBACK)).replace("%", "%%"),
        }
        opt_out = str(OPT_OUT_LINE).replace("%", "%%")
        return str(SUBJECTS[kind]) % values, f"{str(BODIES[kind]) % values}\n\n{opt_out}"


def care_message_render(
    *, kind: str, language: str, name: str, holiday_names: dict
) -> tuple[str, str]:
    """Subject and body of a care message in `language`."""
    subject, body = _texts(kind, language, holiday_names.get(language, ""))
    # The second pass fills the name (a value, never read as a format) and turns the
    # holiday's doubled "%" back into one.
    return subject % {"name": name}, body % {"name": name}
