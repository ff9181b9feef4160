"""Two beat schedulers started by mistake, two workers: each clock is breached once and
each notice delivered once (the sweep claims with SKIP LOCKED, notices carry dedupe keys,
deliveries are claimed before they are sent)."""

import pytest

from servicedesk.outbox.models import OutboxChannel, OutboxStatus
from tests.real_processes import start_workers_and_beats, stop_all, wait_while_running

from .receivers import MailReceiver, WebhookReceiver
from .scene import (
    Scene,
    all_breached_and_delivered,
    assert_each_breach_recorded_once,
    due_clocks,
    environment,
    mailed,
    notices,
    purge_broker,
    webhook_endpoint,
)

pytestmark = pytest.mark.faults


def test_two_beats_breach_and_notify_each_clock_once(
    committed_db, agent, supervisor, team, customer, tmp_path
):
    purge_broker()
    # Due now, and due a few seconds into the run, so the beats overlap on both.
    now = due_clocks(200, agent=agent, team=team, customer=customer)
    later = due_clocks(
        200, agent=agent, team=team, customer=customer, due_in="4 seconds", first=201
    )
    scene = Scene(range(now.ticket_ids.start, later.ticket_ids.stop))
    with WebhookReceiver() as hooks, MailReceiver() as mails:
        webhook_endpoint(hooks.url)
        env = environment(
            SLA_SWEEP_INTERVAL_SECONDS="1",
            OUTBOX_DELIVERY_INTERVAL_SECONDS="1",
            **mails.environment(),
        )
        processes = start_workers_and_beats(
            env, tmp_path, workers=["worker-a", "worker-b"], beats=["beat-a", "beat-b"]
        )
        try:
            wait_while_running(
                lambda: all_breached_and_delivered(scene), seconds=150, processes=processes
            )
        finally:
            stop_all(processes)

        assert_each_breach_recorded_once(scene)
        emails, webhooks = notices(OutboxChannel.EMAIL), notices(OutboxChannel.WEBHOOK)
        assert set(emails.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
        assert set(webhooks.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
        assert mails.counts() == mailed(emails)
        assert hooks.counts() == {str(pk): 1 for pk in webhooks.values_list("pk", flat=True)}
