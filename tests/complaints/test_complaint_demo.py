"""The demo complaints: every stage and severity, a few months of history, something
waiting for approval, and a stored monthly analysis that shows real figures.

Built here over two months (seed_demo's default is four; the size only changes how many
earlier months are worked, each report is a PDF) — every stage and severity is there.
"""

from django.db.models import Count
from django.utils import timezone

from complaints.demo import seed_complaints
from complaints.models import (
    STAGE_ORDER,
    CompensationStatus,
    Complaint,
    MonthlyComplaintAnalysis,
    Severity,
    Stage,
)
from staff.models import Role, StaffLevel
from tests.factories import CustomerFactory, UserFactory
from tickets.models import TicketEvent
from tickets.sla.models import Clock

MONTHS = 2


def test_the_demo_has_complaints_in_every_stage_and_severity_over_the_months_asked(
    db, team, supervisor, manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    handler = UserFactory(username="zhaoqiang", role=Role.AGENT, teams=[team])
    handler.staff_profile.level = StaffLevel.SENIOR
    handler.staff_profile.save()
    customers = [CustomerFactory(language="en" if n % 3 == 0 else "zh-hans") for n in range(12)]

    complaints = seed_complaints(customers=customers, team=team, seed=7, months=MONTHS)
    now = timezone.now()

    # 5–7 a month before; in the current month one at every stage plus two awaiting approval.
    assert len(complaints) >= (MONTHS - 1) * 5 + len(STAGE_ORDER) + 2
    assert set(Complaint.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Complaint.objects.values_list("severity", flat=True)) == set(Severity.values)
    months = Complaint.objects.dates("opened_at", "month")
    assert len(months) == MONTHS
    assert Complaint.objects.filter(
        compensations__status=CompensationStatus.PENDING_APPROVAL
    ).exists()
    closed = Complaint.objects.filter(stage=Stage.CLOSED).annotate(n=Count("reports"))
    assert closed.exists() and all(complaint.n == 1 for complaint in closed)
    stored = MonthlyComplaintAnalysis.objects.order_by("month")
    assert stored.count() == MONTHS - 1
    figures = stored.last().data
    assert figures["total"] > 0
    assert len(figures["top_categories"]) == 3
    assert figures["top_categories"][0]["root_causes"]
    assert figures["stage_average_minutes"]["accept"] is not None
    assert figures["sla"]["finished"] > 0
    assert 0 < figures["sla"]["met_rate"] <= 1

    # Each story was played at its own past times: nothing was moved back afterwards, so the
    # ticket, its creation event, its stage entries, its clocks and their plans agree.
    for complaint in Complaint.objects.select_related("ticket"):
        ticket = complaint.ticket
        created = TicketEvent.objects.get(ticket=ticket, action="ticket.created")
        assert created.created_at == ticket.created_at == complaint.opened_at < now
        entries = list(complaint.entries.order_by("pk").values_list("created_at", flat=True))
        assert entries == sorted(entries) and all(at <= now for at in entries)
        if complaint.closed_at is not None:
            assert complaint.closed_at == entries[-1]
            assert complaint.reports.get().created_at == complaint.closed_at
        clocks = Clock.objects.filter(ticket=ticket)
        assert clocks.exists()
        for clock in clocks:
            first = clock.plans.order_by("planned_at", "pk").first()
            assert first.planned_at == clock.started_at >= ticket.created_at
