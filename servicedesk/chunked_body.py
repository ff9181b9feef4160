"""Request bodies sent with `Transfer-Encoding: chunked`, which carry no Content-Length.

Django reads CONTENT_LENGTH bytes of wsgi.input and takes a missing length for an empty
body, so a chunked inbound mail became an empty message and a chunked ticket create was
told its subject was missing. gunicorn (the production server) de-chunks the body and
marks the stream with the wsgi.input_terminated extension, meaning it can be read to its
end. This WSGI wrapper does so, into a spooled temporary file, up to the largest body the
service accepts, and passes the request on with its real length: every size limit,
parser and view downstream then sees an ordinary request. A server that cannot mark the
end of the body gets 411 (Length Required), a body over the limit 413.

Written out because Django has no support for chunked request bodies under WSGI, and no
maintained WSGI middleware for it exists to depend on.
"""

import json
import tempfile

from django.conf import settings
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from servicedesk.api.errors import MSG_TOO_LARGE
from servicedesk.api.middleware import largest_body_limit

MSG_LENGTH_REQUIRED = _(
    "A chunked request body cannot be read here: send it with a Content-Length."
)
READ_SIZE = 64 * 1024


_CODES = {"411": "length_required", "413": "request_too_large"}


def _refuse(start_response, status: str, message) -> list[bytes]:
    """The API's error shape, answered before Django is reached."""
    code = _CODES[status[:3]]
    body = json.dumps({"detail": _t(message), "code": code, "fields": {}}).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


class ChunkedBodyMiddleware:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or environ.get("CONTENT_LENGTH"):
            return self.application(environ, start_response)
        if not environ.get("wsgi.input_terminated"):
            return _refuse(start_response, "411 Length Required", MSG_LENGTH_REQUIRED)
        limit = largest_body_limit()
        # Not a context manager: it is the request's body until the request is garbage
        # (closed, and a file spilled to disk deleted, then).
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
        size = 0
        while chunk := environ["wsgi.input"].read(READ_SIZE):
            size += len(chunk)
            if size > limit:
                body.close()
                return _refuse(start_response, "413 Request Entity Too Large", MSG_TOO_LARGE)
            body.write(chunk)
        body.seek(0)
        environ["CONTENT_LENGTH"] = str(size)
        environ["wsgi.input"] = body
        return self.application(environ, start_response)
