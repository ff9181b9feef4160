import pytest
from django.apps import apps

from tickets.sla.defaults import install_defaults


@pytest.fixture
def sla_defaults(db):
    """The default SLA policies (a transactional test's flush removes migration rows)."""
    install_defaults(apps)
