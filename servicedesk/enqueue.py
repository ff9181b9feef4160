"""Queue a Celery task once the transaction has committed, without depending on the broker.

A change that has committed must not turn into an error page because the broker is
down, nor lose the work that follows it: when the task cannot be queued it runs in this
process instead (logged), as the worker would have run it.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    transaction.on_commit(lambda: _queue_or_run(task, args))


def _queue_or_run(task, args: tuple) -> None:
    try:
        task.delay(*args)
    except OperationalError as error:
        logger.warning("broker unreachable (%s): task %s runs in this process", error, task.name)
        task(*args)
