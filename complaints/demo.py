"""Demo complaints for `manage.py seed_demo`: every stage and severity, about four months
of history, compensation waiting for approval, and a stored monthly analysis.

Every change goes through the complaint services (so entries, audit events, SLA clocks,
reports and outbox rows are the real ones), each at its own past time under the tickets
demo's controlled clock (tickets.demo_clock.DemoClock, time-machine): opened over the months,
accepted, investigated, negotiated, compensated, followed up and closed hours later.
Nothing is moved back afterwards: the complaint, its ticket, its stage entries, its
append-only audit events, its SLA clocks and their plan rows agree as the services wrote
them, and each report is written at its close with the real stage times. The monthly
report shows real timings and some late stages.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from staff.models import Team
from tickets.demo_clock import DemoClock, time_machine_or_error

from . import services
from .analysis import Month, complaint_monthly_analysis_generate
from .models import (
    STAGE_ORDER,
    Complaint,
    ComplaintCategory,
    RootCause,
    Severity,
    Stage,
)

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


def _content(stage: str, rng: random.Random, cause: str, english: bool, at: datetime) -> dict:
    if stage == Stage.ACCEPT:
        return {
            "contact_channel": rng.choice(["phone", "phone", "email", "chat"]),
            # Now is the story's time: contacted as the acceptance is recorded.
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


def _compensate(complaint, handler, approver, rng, clock, span, *, leave_pending: bool) -> bool:
    """Agree a compensation in some complaints; True if one waits for approval. `span`
    (from, to) is the compensation step's time: requested early in it, approved later."""
    if leave_pending or rng.random() < 0.45:
        amount = rng.choice([100, 150, 300, 600, 800, 1200]) if not leave_pending else 900
        start, end = span
        clock.start(start + (end - start) * 0.2)
        compensation = services.complaint_request_compensation(
            complaint=complaint, actor=handler, kind="money", amount=str(amount), currency="CNY"
        )
        if compensation.status == "pending_approval":
            if leave_pending:
                return True
            clock.start(start + (end - start) * 0.6)
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


@transaction.atomic
def seed_complaints(
    *, customers: list[Customer], team: Team | None = None, seed: int = 20260101, months: int = 4
) -> list[Complaint]:
    """Open and work 5–7 complaints a month over `months` months (the current one included),
    each step at its own past time."""
    rng = random.Random(seed)
    team = team or Team.objects.filter(name=COMPLAINT_TEAM).first()
    staff = {user.username: user for user in User.objects.filter(username__in=HANDLERS.values())}
    if not customers or len(staff) < len(set(HANDLERS.values())):
        return []
    now = timezone.now()
    this_month = Month.containing(now)
    first_month = this_month
    for _step in range(months - 1):
        first_month = first_month.previous
    with time_machine_or_error().travel(now, tick=False) as traveller:
        clock = DemoClock(traveller, rng, now)
        complaints = _seed_months(first_month, this_month, clock, rng, customers, team, staff)
    # The months already over get their stored analysis, as the monthly job would.
    month = first_month
    while month != this_month:
        complaint_monthly_analysis_generate(month=month)
        month = month.next
    return complaints


def _seed_months(first_month, this_month, clock, rng, customers, team, staff) -> list[Complaint]:
    categories = {c.name_en: c for c in ComplaintCategory.objects.all()}
    now = clock.now
    complaints: list[Complaint] = []
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
            clock.start(opened_at)
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
            at = opened_at
            for stage in STAGE_ORDER[1 : STAGE_ORDER.index(target) + 1]:
                previous, at = at, at + durations[stage]
                if at > now:
                    at = previous + (now - previous) * 0.3
                if stage == Stage.COMPENSATE and _compensate(
                    complaint,
                    handler,
                    staff["manager"],
                    rng,
                    clock,
                    (previous, at),
                    leave_pending=leave_pending,
                ):
                    break
                clock.start(at)
                _advance(complaint, handler, stage, rng, cause, english, at)
            complaints.append(complaint)
        if is_current:
            break
        month = month.next
    return complaints


def seed_complaints_step(demo) -> None:
    """The seed_demo step (registered in apps.py)."""
    seed_complaints(
        customers=demo.customers,
        team=demo.teams.get(COMPLAINT_TEAM),
        months=demo.history_months,
    )
