"""kill -9 of a Celery worker in the middle of an SLA sweep and in the middle of a send.

Exactly once: the breach record of each clock, and the queuing of its notices. Delivery
(servicedesk/outbox/delivery.py): a webhook whose sender died mid-send is sent again with
the same delivery id (at-least-once; receivers deduplicate on it); an e-mail is not
(at-most-once), it is given up with the reason for an administrator to resend.
"""

import pytest

from servicedesk.celery import app
from servicedesk.outbox.delivery import MSG_INTERRUPTED
from servicedesk.outbox.mail_threads import outgoing_message_id
from servicedesk.outbox.models import OutboxChannel, OutboxStatus
from tests.real_processes import (
    kill_hard,
    start_beat,
    start_worker,
    start_workers_and_beats,
    stop,
    stop_all,
    wait_while_running,
)
from tickets.sla.sweep import SWEEP_BATCH_SIZE

from .receivers import MailReceiver, WebhookReceiver
from .scene import (
    all_breached_and_delivered,
    assert_each_breach_recorded_once,
    breach_events,
    breached,
    due_clocks,
    environment,
    mailed,
    notices,
    purge_broker,
    webhook_endpoint,
)

pytestmark = pytest.mark.faults


def worker_environment(mails: MailReceiver) -> dict:
    return environment(
        SLA_SWEEP_INTERVAL_SECONDS="1",
        OUTBOX_DELIVERY_INTERVAL_SECONDS="1",
        # An interrupted send is looked at again 3 s after its claim, not 5 minutes.
        OUTBOX_LEASE_SECONDS="3",
        WEBHOOK_TIMEOUT_SECONDS="60",
        EMAIL_TIMEOUT="60",
        **mails.environment(),
    )


def test_a_worker_killed_mid_sweep_leaves_each_breach_recorded_and_notified_once(
    committed_db, agent, supervisor, team, customer, tmp_path
):
    purge_broker()
    # Two batches: the worker is killed once the first has committed.
    scene = due_clocks(2 * SWEEP_BATCH_SIZE, agent=agent, team=team, customer=customer)
    with WebhookReceiver() as hooks, MailReceiver() as mails:
        webhook_endpoint(hooks.url)
        env = worker_environment(mails)
        log = tmp_path / "killed.log"
        worker = start_worker(env, log, "killed-mid-sweep")
        try:
            app.send_task("sla.sweep")
            wait_while_running(
                lambda: breached() > 0,
                seconds=90,
                processes={"worker": (worker, log)},
                interval=0.02,
            )
        finally:
            kill_hard(worker)
        at_kill = breached()
        print(f"killed after {at_kill} of {scene.clocks} breaches")
        assert 0 < at_kill < scene.clocks, "the kill must land in the middle of the sweep"
        # Whole batches or nothing: each committed clock has its event, no other has one.
        assert at_kill % SWEEP_BATCH_SIZE == 0
        assert sum(breach_events().values()) == at_kill

        processes = start_workers_and_beats(env, tmp_path, workers=["after-kill"], beats=["beat"])
        try:
            waited = wait_while_running(
                lambda: all_breached_and_delivered(scene), seconds=150, processes=processes
            )
        finally:
            stop_all(processes)
        print(f"recovered and delivered in {waited:.1f} s")

        assert_each_breach_recorded_once(scene)
        emails = notices(OutboxChannel.EMAIL)
        assert set(emails.values_list("status", flat=True)) == {OutboxStatus.SENT}
        assert mails.counts() == mailed(emails)
        webhooks = notices(OutboxChannel.WEBHOOK)
        assert set(webhooks.values_list("status", flat=True)) == {OutboxStatus.SENT}
        assert hooks.counts() == {str(pk): 1 for pk in webhooks.values_list("pk", flat=True)}


def test_a_worker_killed_mid_send_resends_the_webhook_and_gives_up_the_email(
    committed_db, agent, supervisor, team, customer, tmp_path
):
    purge_broker()
    scene = due_clocks(40, agent=agent, team=team, customer=customer)
    with WebhookReceiver() as hooks, MailReceiver() as mails:
        webhook_endpoint(hooks.url)
        # Each receiver holds one message, received in full and not yet answered: the
        # worker is killed while it waits for the answer.
        hooks.hold.arm(15)
        mails.hold.arm(25)
        env = worker_environment(mails)

        def holds_reached() -> int:
            return hooks.hold.reached.is_set() + mails.hold.reached.is_set()

        beat_log = tmp_path / "beat.log"
        beat = start_beat(env, beat_log, tmp_path)
        worker, log = None, None
        try:
            for round_number in range(3):
                log = tmp_path / f"worker{round_number}.log"
                worker = start_worker(env, log, f"mid-send-{round_number}")
                if round_number == 2:
                    break
                wait_while_running(
                    lambda wanted=round_number + 1: holds_reached() >= wanted,
                    seconds=90,
                    processes={"worker": (worker, log), "beat": (beat, beat_log)},
                )
                kill_hard(worker)
                for hold in (hooks.hold, mails.hold):
                    if hold.reached.is_set():
                        hold.release()
            wait_while_running(
                lambda: all_breached_and_delivered(scene),
                seconds=150,
                processes={"worker": (worker, log), "beat": (beat, beat_log)},
            )
        finally:
            stop(beat)
            if worker is not None:
                stop(worker)

        assert_each_breach_recorded_once(scene)
        # Webhooks: every delivery arrived; the interrupted one twice, with the same id.
        webhooks = notices(OutboxChannel.WEBHOOK)
        assert set(webhooks.values_list("status", flat=True)) == {OutboxStatus.SENT}
        expected = {str(pk): 1 for pk in webhooks.values_list("pk", flat=True)}
        expected[hooks.hold.held] = 2
        assert hooks.counts() == expected
        assert webhooks.get(pk=int(hooks.hold.held)).attempts == 2
        # E-mail: nothing twice; the interrupted one is given up with the reason, the
        # mail server having received it exactly once.
        emails = notices(OutboxChannel.EMAIL)
        assert mails.counts() == mailed(emails)
        [interrupted] = emails.filter(status=OutboxStatus.DEAD)
        assert outgoing_message_id(interrupted) == mails.hold.held
        assert interrupted.last_error == str(MSG_INTERRUPTED)
        assert emails.filter(status=OutboxStatus.SENT).count() == emails.count() - 1
