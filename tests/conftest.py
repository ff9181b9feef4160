import pytest
from django.contrib.auth.models import Group

from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read English messages; the zh-Hans catalogue is tested on its own.
    settings.LANGUAGE_CODE = "en"


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
def committed_db(transactional_db):
    """Real commits (live_server, threads, worker processes use their own connections).

    The audit table refuses TRUNCATE (append-only trigger), which the flush after a
    transactional test needs: the flush runs with triggers off for this session only
    (session_replication_role), switched back by the post_migrate that the flush sends.
    tests/api and tests/complaints keep their own copy of this fixture.
    """
    from django.db import connection
    from django.db.models.signals import post_migrate

    yield

    if connection.vendor != "postgresql":
        return

    def restore(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        post_migrate.disconnect(restore, dispatch_uid="tests-restore-triggers")

    post_migrate.connect(restore, weak=False, dispatch_uid="tests-restore-triggers")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
