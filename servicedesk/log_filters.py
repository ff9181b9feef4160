"""Filters for the project's logging configuration (settings.LOGGING)."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Keep Django's one-line warning for a 403 but drop its traceback: a PermissionDenied
    is an ordinary answer to someone without the right (it fills the log of `make run`
    otherwise), and the traceback only ever shows the permission check."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
