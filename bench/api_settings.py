"""Settings for bench/api.py's gunicorn: production's, plus the bare floor at /bare/.

The product and the floor run in the same gunicorn with the same settings (DEBUG off,
persistent health-checked connections, throttling on Redis), so the comparison is fair.
Plain HTTP on 127.0.0.1: bench/api.py turns the HTTPS redirect off through the environment.
"""

from servicedesk.settings_production import *  # noqa: F403

ROOT_URLCONF = "bench.bare_api"
