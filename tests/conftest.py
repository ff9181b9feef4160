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
