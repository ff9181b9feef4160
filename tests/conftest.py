from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group

from servicedesk.celery import app as celery_app
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Assertions read English messages; the zh-Hans catalogue is tested on its own.
    settings.LANGUAGE_CODE = "en"
    # PBKDF2 costs ~0.2 s per password on this machine, and every factory user has one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return TeamFactory(name="Support")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Billing")


@pytest.fixture
def agent(team):
    return UserFactory(username="agent", role=Role.AGENT, teams=[team])


@pytest.fixture
def supervisor(team):
    user = UserFactory(username="supervisor", role=Role.SUPERVISOR, teams=[team])
    team.supervisor = user
    team.save()
    return user


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Zhang Wei", email="zhang.wei@example.com", phone="13812345678")


@pytest.fixture
def roles_exist(db):
    return set(Group.objects.values_list("name", flat=True))


@pytest.fixture
def worker_after_commit(django_capture_on_commit_callbacks):
    """`with worker_after_commit(): ...` runs what the block queued for after its commit
    (tasks included, in this process as the worker would run them) when the block ends."""

    @contextmanager
    def _run():
        celery_app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield
        finally:
            celery_app.conf.task_always_eager = False

    return _run


# Flush callbacks a committed test leaves for `pytest_fixture_post_finalizer` below.
_AFTER_FLUSH = pytest.StashKey[list]()


@pytest.fixture
def committed_db(transactional_db, django_db_blocker, request):
    """Real commits (live_server, threads, worker processes use their own connections).

    The only way a test gets a transactional database: every other route is refused at
    collection (see `pytest_collection_modifyitems`), and serialized_rollback is never used.
    At teardown the tables are flushed; the audit table refuses TRUNCATE (append-only
    trigger), so the flush runs with triggers off for this session only
    (session_replication_role). Right after the flush that session is closed (triggers
    back on) and every data-migration default is installed again, so whichever test runs next in
    this worker — transactional or not — finds the database as the migrations left it.
    """
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS, connection
    from django.db.models.signals import post_migrate

    from tests.defaults import reinstall_defaults

    yield

    post_migrate_ran = []

    def note_post_migrate(**kwargs):
        post_migrate_ran.append(True)

    def after_flush():
        post_migrate.disconnect(note_post_migrate, dispatch_uid="tests-flush-post-migrate")
        # Triggers come back on with a new session: session_replication_role ends with the
        # old one, also when the flush failed half-way and left it open.
        connection.close()
        with django_db_blocker.unblock():
            if not post_migrate_ran:
                # The flush inhibits post_migrate when available_apps is set: send it here,
                # so content types, permissions and role groups exist again.
                emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS)
            reinstall_defaults()
        # As TransactionTestCase does after its flush: leave no connection open (one opened
        # here in another context, e.g. beside Playwright's event loop, would outlive the
        # session and block DROP DATABASE at the end).
        connection.close()

    post_migrate.connect(note_post_migrate, weak=False, dispatch_uid="tests-flush-post-migrate")
    request.node.stash.setdefault(_AFTER_FLUSH, []).append(after_flush)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")


def pytest_fixture_post_finalizer(fixturedef, request):
    # `_django_db_helper` is pytest-django's fixture whose teardown flushes the tables;
    # this hook runs after it, even when the flush raised.
    if fixturedef.argname != "_django_db_helper":
        return
    callbacks = request.node.stash.get(_AFTER_FLUSH, [])
    while callbacks:
        callbacks.pop()()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    marked = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )
    names = set(getattr(item, "fixturenames", ()))
    return marked or bool(names & {"transactional_db", "live_server", "django_db_reset_sequences"})


def _uses_serialized_rollback(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("serialized_rollback")) or (
        "django_db_serialized_rollback" in names
    )


def pytest_collection_modifyitems(config, items):
    """A test with real commits must use committed_db; serialized_rollback is refused.

    Without committed_db the flush fails on the audit table and the next tests in the
    worker miss the data-migration rows; serialized_rollback reloads rows that the flush's
    post_migrate has already recreated (duplicate role groups).
    """
    wrong = [
        item.nodeid
        for item in items
        if (_is_transactional(item) and "committed_db" not in item.fixturenames)
        or _uses_serialized_rollback(item)
    ]
    if wrong:
        raise pytest.UsageError(
            "These tests need real commits: request the committed_db fixture (tests/conftest.py) "
            "and do not use serialized_rollback:\n  " + "\n  ".join(wrong)
        )
