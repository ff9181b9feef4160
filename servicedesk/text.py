"""Rules for one-line text people type (subjects, names, order numbers, tags).

Control characters (C0, DEL, C1, the Unicode line and paragraph separators) break lists,
CSV exports and mail headers; the bidi embeddings, overrides and isolates (U+202A–202E,
U+2066–2069) make a subject display differently from what it says ("Trojan Source").
Services refuse them in every one-line field, so the page, the API and any other caller
get the same answer; text that arrives by mail, which cannot be refused, is cleaned with
`as_single_line` first. The directional marks (U+200E, U+200F, U+061C) stay allowed:
they affect only their own position and right-to-left text needs them.
"""

import re

from django.utils.translation import gettext_lazy as _

from .exceptions import ValidationError

MSG_NOT_SINGLE_LINE = _(
    "Control characters, line breaks and text-direction overrides are not allowed here."
)

_WHITESPACE_CONTROLS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(f"[{_WHITESPACE_CONTROLS}]+")


def is_single_line(value: str) -> bool:
    return _NOT_ON_ONE_LINE.search(value) is None


def require_single_line(field: str, value: str | None) -> None:
    """Refuse a control or bidi-override character in a one-line field, naming the field."""
    if value and not is_single_line(value):
        raise ValidationError(MSG_NOT_SINGLE_LINE, field=field)


def as_single_line(value: str) -> str:
    """The text with line breaks and tabs as one space and other such characters dropped."""
    return _NOT_ON_ONE_LINE.sub("", _BREAKS.sub(" ", value))
