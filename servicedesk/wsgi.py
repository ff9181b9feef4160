"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

application = get_wsgi_application()

# Imported once Django is set up: it reads the settings and the API's body limits.
from servicedesk.chunked_body import ChunkedBodyMiddleware  # noqa: E402

# Chunked request bodies carry no Content-Length; Django alone would read them as empty.
application = ChunkedBodyMiddleware(application)
