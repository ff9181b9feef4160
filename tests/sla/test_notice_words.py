"""The words of an SLA notice, exactly, in each recipient's language: the sweep builds them
once per language and batch (not per clock), and must say what it said per clock."""

import pytest
from django.urls import NoReverseMatch, reverse

from servicedesk.outbox.models import OutboxMessage
from tickets.models import Channel
from tickets.sla.notifications import ticket_link_builder
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai


def notice(topic: str, user) -> tuple[str, str]:
    message = OutboxMessage.objects.get(topic=topic, recipient=user.email)
    clock = message.payload["clock"]
    assert message.payload == {"clock": clock, "metric": "first_response", "user": user.pk}
    assert message.dedupe_key == f"{topic}:clock:{clock}:user:{user.pk}"
    assert message.deliver_after == shanghai(2026, 3, 4, 10, 1, 35)  # chat: a 24×7 target
    return message.subject, message.body


def test_breach_and_escalation_notices_read_the_same_in_both_languages(
    new_ticket, agent, supervisor, manager, wednesday, settings
):
    settings.SERVICEDESK_BASE_URL = "https://desk.example.com/"
    supervisor.staff_profile.language = "en"
    supervisor.staff_profile.save()
    ticket = new_ticket(channel=Channel.CHAT, subject="打印机卡纸 100%")
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 35))  # breached and past 150 %: both steps

    report = sla_sweep()

    assert (report.breached, report.escalated) == (1, 1)
    link = f"https://desk.example.com/tickets/{ticket.reference}/"
    assert notice("sla.breached", agent) == (
        f"[{ticket.reference}] SLA 已超时：首次响应",
        f"工单：{ticket.reference} 打印机卡纸 100%\n"
        "目标：首次响应（策略“Online chat”）\n"
        "截止：2026-03-04 10:01（Asia/Shanghai）\n"
        "升级级别：团队主管\n"
        f"打开工单：{link}",
    )
    assert notice("sla.breached", supervisor) == (
        f"[{ticket.reference}] SLA breached: First response",
        f"Ticket: {ticket.reference} 打印机卡纸 100%\n"
        "Target: First response (policy “Online chat”)\n"
        "Due: 2026-03-04 10:01 (Asia/Shanghai)\n"
        "Escalation level: Team supervisor\n"
        f"Open the ticket: {link}",
    )
    assert notice("sla.escalated", manager)[0] == (
        f"[{ticket.reference}] SLA 已升级至经理：首次响应"
    )
    assert "升级级别：经理\n" in notice("sla.escalated", manager)[1]


@pytest.mark.parametrize(
    "reference", ["SD-000001", "投诉-7", "a b%c", "x?y#z", "a/b", "", "~:@!$&'()*+,;="]
)
def test_the_link_built_once_per_sweep_is_what_reverse_gives(settings, reference):
    settings.SERVICEDESK_BASE_URL = "https://desk.example.com/"
    try:
        expected = "https://desk.example.com" + reverse("tickets:detail", args=[reference])
    except NoReverseMatch:
        expected = reference  # no page can show it: the notice names the reference
    assert ticket_link_builder()(reference) == expected
