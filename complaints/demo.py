"""Demo complaints for `manage.py seed_demo`: every stage and severity, about four months
of history, compensation waiting for approval, and a stored monthly analysis.

Every change goes through the complaint services (so entries, audit events, SLA clocks,
reports and outbox rows are the real ones); afterwards a complaint's own timestamps, its
stage entries, compensations and SLA clocks are moved back together so the monthly report
shows real timings and some late stages. Audit events are append-only and keep the
moment they were written (as the tickets demo does).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from staff.models import Team
from tickets.models import Ticket
from tickets.sla.models import Clock

from . import services
from .analysis import Month, complaint_monthly_analysis_generate
from .models import (
    STAGE_ORDER,
    Compensation,
    Complaint,
    ComplaintCategory,
    ComplaintContact,
    ComplaintReport,
    RootCause,
    Severity,
    Stage,
    StageEntry,
)
from .report import report_html_render

User = get_user_model()

COMPLAINT_TEAM = "投诉处理组"
# Who handles each severity in the demo (the authority table allows them) [S0 §03].
HANDLERS = {
    Severity.URGENT: "manager",
    Severity.IMPORTANT: "supervisor",
    Severity.ROUTINE: "zhaoqiang",
}

# (category, subject zh, subject en, product, demand, likely root causes)
SCENARIOS = [
    ("Product quality", "洗衣机维修后仍漏水", "Washer still leaks after repair", "W7 滚筒洗衣机",
     "更换新机", [RootCause.PRODUCT_DEFECT, RootCause.PROCESS_GAP]),
    ("Product quality", "冰箱噪音过大", "Fridge is far too loud", "R300 双门冰箱",
     "上门检测并维修", [RootCause.PRODUCT_DEFECT, RootCause.CUSTOMER_EXPECTATION]),
    ("Delivery", "送货延误三天", "Delivery three days late", "K2 变频空调",
     "赔偿并尽快送达", [RootCause.LOGISTICS, RootCause.THIRD_PARTY]),
    ("Delivery", "包装破损商品划伤", "Box damaged, item scratched", "T55 4K 电视",
     "换货", [RootCause.LOGISTICS]),
    ("Staff attitude", "客服电话态度恶劣", "Rude agent on the phone", "客服热线",
     "道歉", [RootCause.SERVICE_ATTITUDE, RootCause.COMMUNICATION]),
    ("Billing", "重复扣费", "Charged twice", "会员年费",
     "退还多扣款项", [RootCause.BILLING_ERROR, RootCause.PROCESS_GAP]),
    ("After-sales repair", "维修师傅未按约上门", "Technician missed the appointment", "上门维修",
     "重新预约并补偿", [RootCause.PROCESS_GAP, RootCause.COMMUNICATION]),
]  # fmt: skip
# Categories weighted so that the monthly top 3 differ from month to month.
CATEGORY_WEIGHTS = [5, 3, 4, 2, 3, 2, 2]
FINDINGS = {
    RootCause.PRODUCT_DEFECT: ("密封圈批次缺陷", "A faulty batch of door seals"),
    RootCause.PROCESS_GAP: ("派单流程缺少复核", "Dispatch had no second check"),
    RootCause.LOGISTICS: ("承运商中转延误", "The carrier's hub was delayed"),
    RootCause.THIRD_PARTY: ("外包仓库漏发", "The outsourced warehouse missed the order"),
    RootCause.SERVICE_ATTITUDE: ("坐席未按话术沟通", "The agent ignored the reply scripts"),
    RootCause.COMMUNICATION: ("未及时告知进度", "Progress was not communicated"),
    RootCause.BILLING_ERROR: ("计费系统重复扣款", "The billing run charged twice"),
    RootCause.CUSTOMER_EXPECTATION: ("产品规格符合设计", "The product works as specified"),
}


@dataclass
class SeededComplaint:
    complaint: Complaint
    stage_times: dict[str, datetime]


def _content(stage: str, rng: random.Random, cause: str, english: bool, at: datetime) -> dict:
    if stage == Stage.ACCEPT:
        return {
            "contact_channel": rng.choice(["phone", "phone", "email", "chat"]),
            # Recorded now (a contact cannot be before receipt), moved back by _backdate.
            "contacted_at": timezone.now().isoformat(),
            "notes": "Called the customer back" if english else "已回电客户，记录诉求",
        }
    if stage == Stage.INVESTIGATE:
        zh, en = FINDINGS[cause]
        return {"findings": en if english else zh, "root_cause": cause}
    if stage == Stage.NEGOTIATE:
        return {
            "options_offered": "Repair, replacement or refund" if english else "维修、换货或退款",
            "customer_agreed": "Replacement" if english else "同意换货",
        }
    if stage == Stage.COMPENSATE:
        return {"recovery_actions": ["apology", "urgent_restoration"], "none_agreed": True}
    if stage == Stage.FOLLOW_UP:
        satisfied = rng.random() < 0.8
        return {
            "visit_date": timezone.localtime(at).date().isoformat(),
            "method": rng.choice(["phone", "visit"]),
            "customer_response": ("Happy with the outcome" if satisfied else "Still unhappy")
            if english
            else ("对处理结果满意" if satisfied else "仍不太满意"),
            "customer_satisfied": "yes" if satisfied else "no",
        }
    return {"summary": "Closed after follow-up" if english else "回访后结案"}


def _stage_durations(rng: random.Random, severity: str) -> dict[str, timedelta]:
    """How long each step took; about one in six steps runs late."""
    fast = severity == Severity.URGENT
    late = rng.random() < 0.17
    return {
        Stage.ACCEPT: timedelta(minutes=rng.uniform(5, 50) * (2.5 if late else 1)),
        Stage.INVESTIGATE: timedelta(hours=rng.uniform(0.2, 1 if fast else 20)),
        Stage.NEGOTIATE: timedelta(hours=rng.uniform(0.5, 4 if fast else 12)),
        Stage.COMPENSATE: timedelta(hours=rng.uniform(0.5, 3 if fast else 8)),
        Stage.FOLLOW_UP: timedelta(hours=rng.uniform(1, 4 if fast else 30)),
        Stage.CLOSED: timedelta(hours=rng.uniform(0.2, 2)),
    }


def _compensate(complaint, handler, approver, rng, *, leave_pending: bool) -> bool:
    """Agree a compensation in some complaints; True if one waits for approval."""
    if leave_pending or rng.random() < 0.45:
        amount = rng.choice([100, 150, 300, 600, 800, 1200]) if not leave_pending else 900
        compensation = services.complaint_request_compensation(
            complaint=complaint, actor=handler, kind="money", amount=str(amount), currency="CNY"
        )
        if compensation.status == "pending_approval":
            if leave_pending:
                return True
            services.complaint_approve_compensation(
                compensation=compensation, actor=approver, reason="同意"
            )
    return False


def _advance(complaint, handler, stage, rng, cause, english, at) -> None:
    content = _content(stage, rng, cause, english, at)
    if stage == Stage.COMPENSATE and complaint.compensations.filter(status="approved").exists():
        content = {"recovery_actions": ["apology", "symbolic_atonement"], "none_agreed": False}
    services.complaint_advance(complaint=complaint, actor=handler, to=stage, content=content)
    complaint.refresh_from_db()


def _backdate(seeded: SeededComplaint, opened_at: datetime) -> None:
    """Move the complaint, its ticket, entries, compensations and SLA clocks back together."""
    complaint = seeded.complaint
    delta = opened_at - complaint.opened_at
    times = seeded.stage_times
    closed_at = times.get(Stage.CLOSED)
    Complaint.objects.filter(pk=complaint.pk).update(opened_at=opened_at, closed_at=closed_at)
    ticket_stamps = {"created_at": opened_at, "updated_at": max([opened_at, *times.values()])}
    if closed_at:
        ticket_stamps["resolved_at"] = closed_at
    if Stage.ACCEPT in times:
        ticket_stamps["first_response_at"] = times[Stage.ACCEPT]
    Ticket.objects.filter(pk=complaint.ticket_id).update(**ticket_stamps)
    for entry in StageEntry.objects.filter(complaint=complaint):
        fields = {"created_at": times[entry.stage]}
        if entry.stage == Stage.ACCEPT:
            fields["content"] = {**entry.content, "contacted_at": times[entry.stage].isoformat()}
        StageEntry.objects.filter(pk=entry.pk).update(**fields)
    if Stage.ACCEPT in times:
        ComplaintContact.objects.filter(complaint=complaint).update(
            contacted_at=times[Stage.ACCEPT], recorded_at=times[Stage.ACCEPT]
        )
    negotiated = times.get(Stage.NEGOTIATE, opened_at)
    Compensation.objects.filter(complaint=complaint).update(
        requested_at=negotiated + timedelta(minutes=10)
    )
    Compensation.objects.filter(complaint=complaint, decided_at__isnull=False).update(
        decided_at=negotiated + timedelta(minutes=50)
    )
    ComplaintReport.objects.filter(complaint=complaint).update(created_at=closed_at or opened_at)
    _backdate_clocks(complaint, delta, times)
    if closed_at:
        _render_reports_again(complaint)


def _render_reports_again(complaint: Complaint) -> None:
    """A report is written when its complaint closes, which in the demo is before the
    backdating: write its HTML again from the backdated stages (same version), so the
    demo's reports show the stage times the monthly analysis shows. The PDF is rendered
    from this HTML by the worker, after the seed commits."""
    complaint = Complaint.objects.select_related("ticket", "ticket__customer", "category").get(
        pk=complaint.pk
    )
    for report in complaint.reports.all():
        html = report_html_render(complaint, language=report.language, version=report.version)
        ComplaintReport.objects.filter(pk=report.pk).update(html=html)


def _backdate_clocks(complaint: Complaint, delta: timedelta, times: dict) -> None:
    met_by = {
        "complaint_first_contact": times.get(Stage.ACCEPT),
        # Accepted in contact with the customer: answered at acceptance (requirements §7).
        "complaint_response": times.get(Stage.ACCEPT),
        "resolution": times.get(Stage.CLOSED),
    }
    now = timezone.now()
    shifted = (
        "started_at", "due_at", "warn_at", "escalate_at", "paused_at", "met_at", "warned_at",
        "breached_at", "escalated_at", "ended_at",
    )  # fmt: skip
    for clock in Clock.objects.filter(ticket_id=complaint.ticket_id):
        for name in shifted:
            if getattr(clock, name) is not None:
                setattr(clock, name, getattr(clock, name) + delta)
        met_at = met_by.get(clock.metric)
        if clock.state in ("met", "breached") and met_at is not None:
            clock.met_at = met_at
            if met_at > clock.due_at:
                clock.state, clock.breached_at = "breached", clock.due_at
            else:
                clock.state, clock.breached_at = "met", None
            clock.next_alert_at = None
        elif clock.state == "running":
            # Still running: the sweep warns or breaches it at its next run if it is late.
            clock.next_alert_at = min(clock.warn_at, clock.due_at) if clock.warn_at > now else now
        clock.save()


@transaction.atomic
def seed_complaints(
    *, customers: list[Customer], team: Team | None = None, seed: int = 20260101, months: int = 4
) -> list[Complaint]:
    """Open and work 5–7 complaints a month over `months` months (the current one included)."""
    rng = random.Random(seed)
    team = team or Team.objects.filter(name=COMPLAINT_TEAM).first()
    staff = {user.username: user for user in User.objects.filter(username__in=HANDLERS.values())}
    if not customers or len(staff) < len(set(HANDLERS.values())):
        return []
    categories = {c.name_en: c for c in ComplaintCategory.objects.all()}
    now = timezone.now()
    this_month = Month.containing(now)
    first_month = this_month
    for _step in range(months - 1):
        first_month = first_month.previous
    seeded: list[SeededComplaint] = []
    month = first_month
    severities = [Severity.URGENT, Severity.IMPORTANT, Severity.ROUTINE]
    index = 0
    while True:
        is_current = month == this_month
        # The current month holds one complaint at every stage, plus two whose
        # compensation waits for approval; the months before are mostly closed.
        current_targets = [*STAGE_ORDER, Stage.COMPENSATE, Stage.COMPENSATE]
        count = len(current_targets) if is_current else rng.randint(5, 7)
        for number in range(count):
            scenario = rng.choices(SCENARIOS, weights=CATEGORY_WEIGHTS)[0]
            category_name, subject_zh, subject_en, product, demand, causes = scenario
            leave_pending = is_current and number >= len(STAGE_ORDER)
            # Every severity early on, then mostly routine as in real life.
            severity = (
                severities[index % 3]
                if index < 6
                else rng.choice([*severities, Severity.ROUTINE, Severity.ROUTINE])
            )
            if leave_pending:
                severity = Severity.ROUTINE
            index += 1
            customer = rng.choice(customers)
            english = customer.language == "en"
            handler = staff[HANDLERS[severity]]
            if is_current:
                target = current_targets[number]
                opened_at = now - timedelta(hours=rng.uniform(0.3, 40))
            else:
                target = Stage.CLOSED if rng.random() < 0.92 else Stage.FOLLOW_UP
                opened_at = month.start + (month.end - month.start) * rng.uniform(0.02, 0.9)
            complaint = services.complaint_open(
                actor=handler,
                subject=subject_en if english else subject_zh,
                severity=severity,
                complexity="complex" if rng.random() < 0.2 else "general",
                category=categories[category_name],
                customer=customer,
                source=rng.choice(["complaint_hotline", "complaint_mailbox", "phone", "web"]),
                product=product,
                customer_demand=demand,
                description=subject_en if english else subject_zh,
                team=team,
                assignee=handler if team and team.members.filter(pk=handler.pk).exists() else None,
            )
            cause = rng.choice(causes)
            durations = _stage_durations(rng, severity)
            times: dict[str, datetime] = {}
            at = opened_at
            for stage in STAGE_ORDER[1 : STAGE_ORDER.index(target) + 1]:
                previous, at = at, at + durations[stage]
                if at > now:
                    at = previous + (now - previous) * 0.3
                if stage == Stage.COMPENSATE and _compensate(
                    complaint, handler, staff["manager"], rng, leave_pending=leave_pending
                ):
                    break
                _advance(complaint, handler, stage, rng, cause, english, at)
                times[stage] = at
            seeded.append(SeededComplaint(complaint, times))
            _backdate(seeded[-1], opened_at)
        if is_current:
            break
        month = month.next
    # The months already over get their stored analysis, as the monthly job would.
    month = first_month
    while month != this_month:
        complaint_monthly_analysis_generate(month=month)
        month = month.next
    return [item.complaint for item in seeded]


def seed_complaints_step(demo) -> None:
    """The seed_demo step (registered in apps.py)."""
    seed_complaints(
        customers=demo.customers,
        team=demo.teams.get(COMPLAINT_TEAM),
        months=demo.history_months,
    )
