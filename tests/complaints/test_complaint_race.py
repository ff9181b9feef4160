"""Two people moving the same complaint at once: exactly one wins, the other gets a
ConflictError, and nothing of the loser's move is written (real PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, transaction

from complaints import services
from complaints.models import Stage, StageEntry
from servicedesk.exceptions import ConflictError
from tests.complaints.conftest import accept_content
from tickets.models import TicketEvent

pytestmark = [
    pytest.mark.usefixtures("committed_db"),
    pytest.mark.xdist_group("complaints-race"),
]


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # the test asserts on what was raised
            results[key] = error
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_a_second_mover_while_the_first_holds_the_row_gets_a_conflict(complaint, agent, supervisor):
    holding, release = threading.Event(), threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            entry = services.complaint_advance(
                complaint=complaint,
                actor=agent,
                to=Stage.ACCEPT,
                content=accept_content(),
                expected_version=1,
            )
            holding.set()
            release.wait(10)
        return entry

    def second():
        assert holding.wait(10)
        try:
            return services.complaint_advance(
                complaint=complaint,
                actor=supervisor,
                to=Stage.ACCEPT,
                content=accept_content(),
                expected_version=1,
            )
        finally:
            release.set()

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert isinstance(results["first"], StageEntry)
    assert isinstance(results["second"], ConflictError)
    assert results["second"].status_code == 409
    assert StageEntry.objects.filter(complaint=complaint).count() == 1
    assert StageEntry.objects.get(complaint=complaint).actor == agent
    assert TicketEvent.objects.filter(action="complaint.stage_changed").count() == 1
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.version) == (Stage.ACCEPT, 2)


@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_moves_from_the_same_version_exactly_one_wins(
    open_complaint, agent, supervisor, attempt
):
    complaint = open_complaint()
    start = threading.Barrier(2, timeout=10)
    results = {}

    def move(actor):
        def run():
            start.wait()
            return services.complaint_advance(
                complaint=complaint,
                actor=actor,
                to=Stage.ACCEPT,
                content=accept_content(),
                expected_version=complaint.version,
            )

        return run

    threads = [
        _in_thread(move(agent), results, "agent"),
        _in_thread(move(supervisor), results, "supervisor"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["ConflictError", "StageEntry"]
    assert StageEntry.objects.filter(complaint=complaint).count() == 1
    assert (
        TicketEvent.objects.filter(
            ticket=complaint.ticket, action="complaint.stage_changed"
        ).count()
        == 1
    )
