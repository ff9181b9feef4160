"""An imported official year (a country's holidays and make-up workdays) drives the working
calendar: it replaces the holiday package's dates of that year, renews the caches and
re-plans the open clocks on that country's calendars."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection

from servicedesk.celery import app as celery_app
from servicedesk.exceptions import AuthorityError
from staff.models import Role
from tests.factories import UserFactory
from tickets import services as tickets
from tickets.models import Kind, Status
from tickets.sla.models import Calendar, Clock, ClockState, Metric, PlanReason, PolicyTableRevision
from tickets.sla.official_import import (
    OfficialEntry,
    OfficialYearInvalid,
    official_year_import,
    parse_official_csv,
)
from tickets.sla.official_models import OfficialDate, OfficialYear
from tickets.sla.working_calendars import working_calendar

from .conftest import shanghai

# 2027: the installed `holidays` package knows China's rule-based holidays but none of the
# make-up workdays the State Council announces late in 2026.
MAKE_UP_SATURDAY = date(2027, 2, 20)
DECLARED_HOLIDAY = date(2027, 2, 11)  # a Thursday the package does not know as a holiday
PACKAGE_ONLY_HOLIDAY = date(2027, 2, 9)  # the package's guess, absent from the notice
NOTICE_2027 = (
    b"date,kind,name\n"
    b"2027-02-05,holiday,Spring Festival\n"
    b"2027-02-08,holiday,Spring Festival\n"
    b"2027-02-10,holiday,Spring Festival\n"
    b"2027-02-11,holiday,Spring Festival\n"
    b"2027-02-20,workday,Spring Festival\n"
)


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def cn():
    return Calendar.objects.get(name="CN working calendar")


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def import_2027(actor, content=NOTICE_2027):
    return official_year_import(
        country="CN", year=2027, entries=parse_official_csv(content, 2027), actor=actor
    )


def working_at(calendar, day: date, hour: int = 10) -> bool:
    return working_calendar(calendar).is_working(shanghai(day.year, day.month, day.day, hour))


def test_an_import_opens_the_make_up_saturday_and_closes_the_declared_holiday(
    administrator, cn, wednesday
):
    assert not working_at(cn, MAKE_UP_SATURDAY)
    assert working_at(cn, DECLARED_HOLIDAY)
    assert not working_at(cn, PACKAGE_ONLY_HOLIDAY)

    import_2027(administrator)
    cn.refresh_from_db()

    assert working_at(cn, MAKE_UP_SATURDAY)
    assert not working_at(cn, DECLARED_HOLIDAY)
    # The notice is the whole official list: the package's guesses for 2027 give way...
    assert working_at(cn, PACKAGE_ONLY_HOLIDAY)
    # ...and other years keep the package's dates.
    assert not working_at(cn, date(2026, 2, 17))
    assert working_at(cn, date(2026, 2, 14))  # a 2026 make-up Saturday


def test_a_manual_exception_of_the_calendar_still_wins_over_the_imported_year(
    administrator, cn, wednesday
):
    cn.exceptions.create(date=MAKE_UP_SATURDAY, kind="holiday", name="Office move")
    import_2027(administrator)
    cn.refresh_from_db()
    assert not working_at(cn, MAKE_UP_SATURDAY)


def test_a_running_clock_is_replanned_from_its_start_and_verdicts_stay(
    administrator, agent, new_ticket, clock_at, eager_tasks, django_capture_on_commit_callbacks
):
    clock_at(shanghai(2027, 2, 19, 10, 0))  # Friday
    met = new_ticket(kind=Kind.FEEDBACK)
    tickets.ticket_reply(ticket=met, actor=agent, body="Thank you")
    tickets.ticket_change_status(ticket=met, actor=agent, to=Status.RESOLVED)
    met_clock = Clock.objects.get(ticket=met, metric=Metric.FEEDBACK_REPLY)
    assert met_clock.state == ClockState.MET
    met_plans = list(met_clock.plans.values_list("pk", flat=True))

    ticket = new_ticket(kind=Kind.FEEDBACK)
    clock = Clock.objects.get(ticket=ticket, metric=Metric.FEEDBACK_REPLY)
    # 3 business days (24 h): Fri 7 h, Mon 8, Tue 8, Wed 09:00 + 1 h.
    assert clock.due_at == shanghai(2027, 2, 24, 10, 0)

    with django_capture_on_commit_callbacks(execute=True):
        import_2027(administrator)

    clock.refresh_from_db()
    # The make-up Saturday counts 8 h: Fri 7, Sat 8, Mon 8, Tue 09:00 + 1 h.
    assert clock.due_at == shanghai(2027, 2, 23, 10, 0)
    assert clock.started_at == shanghai(2027, 2, 19, 10, 0)
    assert clock.plans.last().reason == PlanReason.CALENDAR_CHANGED
    met_clock.refresh_from_db()
    assert met_clock.state == ClockState.MET
    assert list(met_clock.plans.values_list("pk", flat=True)) == met_plans


def policy_revision():
    return PolicyTableRevision.objects.values_list("revision", flat=True).first()


def test_an_import_renews_the_calendar_and_policy_table_revisions(administrator, cn):
    revision = policy_revision()
    import_2027(administrator)
    assert Calendar.objects.get(pk=cn.pk).revision != cn.revision
    assert policy_revision() not in (None, revision)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_trigger_renews_the_policy_revision_for_official_tables(administrator):
    official = import_2027(administrator)
    for table, statement in (
        ("sla_officialdate", "UPDATE sla_officialdate SET name = 'x' WHERE official_year_id = %s"),
        ("sla_officialyear", "UPDATE sla_officialyear SET year = year WHERE id = %s"),
    ):
        before = policy_revision()
        with connection.cursor() as cursor:
            cursor.execute(statement, [official.pk])
        assert policy_revision() != before, table


def test_importing_a_year_again_replaces_its_list_and_is_logged(administrator):
    import_2027(administrator)
    official = import_2027(administrator, b"2027-10-08,holiday,National Day\n")
    assert list(official.dates.values_list("date", "kind")) == [(date(2027, 10, 8), "holiday")]
    assert OfficialYear.objects.count() == 1
    assert official.imported_by == administrator
    entries = LogEntry.objects.filter(object_id=str(official.pk)).order_by("pk")
    assert [entry.action_flag for entry in entries] == [1, 2]  # added, then changed
    assert entries.last().change_message == "Imported 1 holidays and 0 make-up workdays."


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.MANAGER])
def test_only_administrators_can_import(role, db):
    someone = UserFactory(role=role)
    with pytest.raises(AuthorityError):
        import_2027(someone)
    assert not OfficialYear.objects.exists() and not OfficialDate.objects.exists()
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (
            "2026-12-31,holiday\n2027-02-30,holiday\n2027-03-01,closed\n2027-03-02\n",
            [
                "Row 1: 2026-12-31 is not in 2027.",
                "Row 2: “2027-02-30” is not a date (write YYYY-MM-DD).",
                "Row 3: “closed” is not a kind (write holiday or workday).",
                "Row 4: write date, kind and an optional name.",
            ],
        ),
        (
            "date,kind\n2027-02-20,workday\n2027-02-20,holiday\n2027-02-20,workday\n",
            [
                "Row 3: 2027-02-20 is listed as a holiday and as a workday (row 2); "
                "a date is one or the other.",
                "Row 4: 2027-02-20 is already listed in row 2.",
            ],
        ),
        ("date,kind,name\n", ["The list has no dates."]),
        (
            "2027-02-20,workday,春节\n".encode("gbk"),
            ["The file is not UTF-8 text (save the CSV as UTF-8)."],
        ),
    ],
)
def test_a_bad_list_reports_every_row_and_writes_nothing(administrator, content, problems):
    import_2027(administrator)
    before = list(OfficialDate.objects.values_list("date", "kind", "name"))
    content = content if isinstance(content, bytes) else content.encode()
    with pytest.raises(OfficialYearInvalid) as raised:
        import_2027(administrator, content)
    assert [str(p) for p in raised.value.fields["dates"]] == problems
    assert list(OfficialDate.objects.values_list("date", "kind", "name")) == before


def test_the_service_checks_entries_it_is_given_directly(administrator):
    with pytest.raises(OfficialYearInvalid):
        official_year_import(
            country="CN",
            year=2027,
            entries=[OfficialEntry(date(2028, 1, 1), "holiday")],
            actor=administrator,
        )
    with pytest.raises(OfficialYearInvalid):
        official_year_import(country="XX", year=2027, entries=[], actor=administrator)
    assert not OfficialYear.objects.exists()


def test_the_command_imports_a_file_for_operations(administrator, tmp_path, capsys):
    csv_file = tmp_path / "cn-2027.csv"
    csv_file.write_bytes(NOTICE_2027)
    call_command(
        "import_official_year", str(csv_file), country="cn", year=2027, user="administrator"
    )
    assert "imported CN 2027: holidays=4 workdays=1" in capsys.readouterr().out
    official = OfficialYear.objects.get(country="CN", year=2027)
    assert official.dates.filter(kind="workday").get().date == MAKE_UP_SATURDAY


def test_the_command_refuses_a_bad_file_or_a_non_administrator(administrator, manager, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-13-01,holiday\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Row 1"):
        call_command(
            "import_official_year", str(bad), country="CN", year=2027, user="administrator"
        )
    good = tmp_path / "good.csv"
    good.write_bytes(NOTICE_2027)
    with pytest.raises(CommandError, match="administrators"):
        call_command("import_official_year", str(good), country="CN", year=2027, user="manager")
    assert not OfficialYear.objects.exists()


@pytest.fixture
def broker_down():
    """The Celery app publishes to a port where nothing listens (no broker at all)."""
    from tests.redis_door import unused_port

    def repoint(url):
        celery_app.conf.update(broker_write_url=url)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    repoint(f"redis://127.0.0.1:{unused_port()}/0")
    yield
    repoint(None)


def test_with_the_broker_down_the_import_still_replans_its_clocks(
    administrator, new_ticket, clock_at, broker_down, django_capture_on_commit_callbacks, caplog
):
    clock_at(shanghai(2027, 2, 19, 10, 0))  # Friday
    ticket = new_ticket(kind=Kind.FEEDBACK)
    clock = Clock.objects.get(ticket=ticket, metric=Metric.FEEDBACK_REPLY)
    assert clock.due_at == shanghai(2027, 2, 24, 10, 0)

    # The import has committed: a broker that cannot take the re-plan must neither turn
    # the answer into an error nor lose the re-plan (it runs here instead).
    with django_capture_on_commit_callbacks(execute=True):
        import_2027(administrator)

    clock.refresh_from_db()
    assert clock.due_at == shanghai(2027, 2, 23, 10, 0)
    assert clock.plans.last().reason == PlanReason.CALENDAR_CHANGED
    assert any("runs in this process" in record.getMessage() for record in caplog.records)
