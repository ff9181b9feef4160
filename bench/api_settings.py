"""Settings for bench/api.py's gunicorn: the product's, plus the bare floor at /bare/."""

from servicedesk.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.bare_api"
ALLOWED_HOSTS = ["127.0.0.1"]
