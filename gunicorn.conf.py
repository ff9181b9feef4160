"""gunicorn settings of the web service: the Dockerfile, docker-compose.yml and bench/api.py.

gunicorn reads this file from its working directory; each value can be changed by the
environment variable named beside it, and the command line wins over both.
"""

import os

_cores = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gthread: processes for the cores, threads to overlap the waits on PostgreSQL, and HTTP
# keep-alive (sync workers close the connection after every response). Measured with
# bench/api.py on 2 cores: 2–3 gthread processes × 2–4 threads and 4–5 sync workers create
# tickets equally fast with 4 clients; one client with keep-alive is ~5 % faster on
# gthread. Each thread keeps its own persistent database connection.
workers = int(os.environ.get("GUNICORN_WORKERS", _cores + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Seconds an idle keep-alive connection is held open (gthread).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# A worker is replaced after this many requests (jittered, so not all at once): bounded
# memory growth without a restart of the service.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Move what loading the application allocated (modules, URL patterns, settings, the
    translations) out of the garbage collector's sight: it lives as long as the worker, and
    a full collection would otherwise walk all of it again in the middle of a request
    (~90 ms on the SLA dashboard, measured with cProfile)."""
    import gc

    gc.freeze()
