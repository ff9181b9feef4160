"""Filters for the project's logging configuration (settings.LOGGING)."""

import logging
import re


class RefusalWithoutTraceback(logging.Filter):
    """Keep Django's one-line warning for a 403 but drop its traceback: a PermissionDenied
    is an ordinary answer to someone without the right (it fills the log of `make run`
    otherwise), and the traceback only ever shows the permission check."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


# The shapes of personal data a log line might carry: e-mail addresses, mainland mobile
# numbers (with or without separators), international numbers written with "+", and
# 18-character resident ID numbers.
EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
PHONE = re.compile(
    r"(?<![\w+])(?:1[3-9]\d[ -]?\d{4}[ -]?\d{4}|\+\d{1,3}[ -]?\d(?:[ -]?\d){6,13})(?!\w)"
)
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def redact(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: "*" * 14 + m[0][-4:], text)
    text = PHONE.sub(lambda m: "****" + m[0][-4:], text)
    return EMAIL.sub(r"\1***@\2", text)


class PersonalDataRedaction(logging.Filter):
    """Mask e-mail addresses, phone and ID numbers in every record a handler writes,
    message and traceback: customers' personal data is encrypted at rest and masked on
    every page, and a log line (an exception's repr of a form, a library's debug line)
    must not be the copy that leaks it. On the handlers, so records of every logger pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
