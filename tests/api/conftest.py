import pytest
from rest_framework.test import APIClient

from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from staff.models import Role
from tests.factories import UserFactory

ALL_SCOPES = list(Scope.values)


@pytest.fixture
def make_client():
    """An APIClient authenticated by a fresh token of `user` with `scopes`."""

    def make(user, scopes=ALL_SCOPES, rate_per_minute=None):
        token, plain = api_token_issue(
            user=user, name=f"integration {user.pk}", scopes=scopes, rate_per_minute=rate_per_minute
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
        client.token = token
        client.plain = plain
        return client

    return make


@pytest.fixture
def integration(team):
    """The user an integration's token acts as: an agent of the Support team."""
    return UserFactory(username="crm-integration", role=Role.AGENT, teams=[team])


@pytest.fixture
def api(make_client, integration):
    return make_client(integration)
