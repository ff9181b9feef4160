"""A committed test's flush leaves the database as the migrations left it.

The tests of this module run in one worker. pytest-django runs plain tests before
transactional ones, so the committed tests below run one after the other in file order:
each finds, after the previous one's flush, every data-migration default, the role groups
with their permissions and the append-only trigger switched back on. The plain tests
check the same when the order is reversed (plain tests after flushes).
"""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL

from complaints.models import ComplaintAuthority, ComplaintCategory, ReplyScript
from staff.models import Role
from staff.roles import ROLE_PERMISSIONS
from tests.defaults import DATA_MIGRATIONS, SCHEMA_ONLY_MIGRATIONS, reinstall_defaults
from tests.factories import CustomerFactory, UserFactory
from tickets import services
from tickets.models import Channel, IntakeTemplate, Ticket, TicketEvent
from tickets.sla.defaults import DEFAULT_POLICIES
from tickets.sla.models import Policy

pytestmark = pytest.mark.xdist_group("committed-db")

OUR_APPS = {
    "customers",
    "staff",
    "tickets",
    "sla",
    "complaints",
    "quality",
    "outbox",
    "api",
    "servicedesk",
}
TEMPLATES = importlib.import_module("tickets.migrations.0003_default_intake_templates").TEMPLATES
COMPLAINT_SEED = importlib.import_module("complaints.migrations.0002_seed_configuration")


def defaults_snapshot() -> dict:
    return {
        "intake templates": sorted(IntakeTemplate.objects.values_list("slug", flat=True)),
        "policies": sorted(Policy.objects.values_list("name", flat=True)),
        "complaint categories": ComplaintCategory.objects.count(),
        "authority": ComplaintAuthority.objects.count(),
        "reply scripts": ReplyScript.objects.count(),
        "role permissions": {
            group.name: group.permissions.count() for group in Group.objects.order_by("name")
        },
    }


def assert_as_migrated():
    snapshot = defaults_snapshot()
    assert snapshot["intake templates"] == sorted(t["slug"] for t in TEMPLATES)
    assert snapshot["policies"] == sorted(name for name, *_rest in DEFAULT_POLICIES)
    assert snapshot["complaint categories"] == len(COMPLAINT_SEED.CATEGORIES)
    assert snapshot["authority"] == len(COMPLAINT_SEED.AUTHORITY)
    assert snapshot["reply scripts"] == len(COMPLAINT_SEED.SCRIPTS)
    permissions = snapshot["role permissions"]
    assert set(permissions) == set(Role.values)
    for role, names in ROLE_PERMISSIONS.items():
        assert permissions[role] == len(names)


def assert_audit_trigger_on():
    write_a_ticket_with_its_audit_rows()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_ticketevent SET action = 'forged'")


def write_a_ticket_with_its_audit_rows():
    agent = UserFactory(role=Role.AGENT)
    services.ticket_create(
        actor=agent, subject="Committed", channel=Channel.PHONE, customer=CustomerFactory()
    )
    assert TicketEvent.objects.exists()


def test_a_committed_test_writes_audit_rows_that_the_flush_removes(committed_db):
    assert_as_migrated()
    write_a_ticket_with_its_audit_rows()


def test_a_plain_test_finds_the_migration_defaults_and_the_trigger(db):
    assert not Ticket.objects.exists()
    assert_as_migrated()
    assert_audit_trigger_on()


# available_apps makes the flush skip its post_migrate: the fixture sends it itself.
@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_a_committed_test_whose_flush_sends_no_post_migrate(committed_db):
    assert_as_migrated()
    write_a_ticket_with_its_audit_rows()


def test_a_plain_test_finds_the_roles_with_their_permissions(db):
    assert not Ticket.objects.exists()
    assert_as_migrated()
    assert_audit_trigger_on()


def test_the_next_committed_test_also_starts_from_the_migrated_state(committed_db):
    assert not Ticket.objects.exists()
    assert_as_migrated()
    assert_audit_trigger_on()


def test_installing_the_defaults_again_changes_nothing(db):
    before = defaults_snapshot()
    reinstall_defaults()
    assert defaults_snapshot() == before


def test_every_migration_that_runs_code_is_known_to_the_reinstaller():
    # A new data migration must be added to tests/defaults.py, or the first committed
    # test of a worker would silently remove its rows for every test after it.
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    running_code = {
        key
        for key, migration in loader.disk_migrations.items()
        if key[0] in OUR_APPS
        and any(isinstance(op, (RunPython, RunSQL)) for op in migration.operations)
    }
    assert running_code == DATA_MIGRATIONS | SCHEMA_ONLY_MIGRATIONS
