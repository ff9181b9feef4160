"""Executing an approved plan: tasks with owners and due times, their status updates, the
overdue escalation run by the SLA sweep, the case owner's daily digest and check [S1 §2.3].
"""

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from servicedesk.exceptions import ConflictError, TransitionError, ValidationError, require_choice
from servicedesk.outbox.services import event_publish, outbox_enqueue_email
from tickets.audit import record_event
from tickets.models import Ticket

from .events import PlanAction
from .models import DailyCheck, PlanStatus, PlanTask, ServicePlan, TaskStatus, TaskUpdate
from .scheduling import plans_calendar

logger = logging.getLogger(__name__)

MSG_PLAN_CLOSED = _("The plan is accepted; its tasks can no longer change.")
MSG_DUE_BEFORE_PLAN = _("A task cannot be due before its plan was made (%(made)s).")
MSG_DUE_IN_PAST = _("A task cannot be due in the past.")
MSG_TITLE_REQUIRED = _("Give the task a title.")
MSG_OWNER_INACTIVE = _("%(user)s is not an active staff member.")
MSG_NOTE_REQUIRED = _("Say what was done (a note).")
MSG_NOT_EXECUTING = _("Tasks are updated while the approved plan is carried out.")
MSG_SAME_TASK_STATUS = _("The task is already “%(status)s”.")
MSG_NOT_CASE_OWNER = _("Only the case owner records the daily check.")
MSG_CHECKED_TODAY = _("Today's check is already recorded.")
ESCALATION_BATCH = 200


def _lock(plan: ServicePlan) -> ServicePlan:
    ticket = Ticket.objects.select_for_update().get(pk=plan.ticket_id)
    locked = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    locked.ticket = ticket
    return locked


@transaction.atomic
def plan_task_add(*, plan: ServicePlan, actor, title: str, owner, due_at: datetime) -> PlanTask:
    """A task of the plan, due at `due_at`: never before the plan was made."""
    plan = _lock(plan)
    if plan.status == PlanStatus.ACCEPTED:
        raise TransitionError(MSG_PLAN_CLOSED)
    title = (title or "").strip()
    if not title:
        raise ValidationError(MSG_TITLE_REQUIRED, field="title")
    if owner is None or not owner.is_active:
        raise ValidationError(MSG_OWNER_INACTIVE % {"user": owner}, field="owner")
    if plan.approved_at is not None and due_at < plan.approved_at:
        made = timezone.localtime(plan.approved_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(MSG_DUE_BEFORE_PLAN % {"made": made}, field="due_at")
    if plan.approved_at is None and due_at < timezone.now():
        raise ValidationError(MSG_DUE_IN_PAST, field="due_at")
    last = plan.tasks.order_by("-position").values_list("position", flat=True).first()
    task = PlanTask.objects.create(
        plan=plan, title=title, owner=owner, due_at=due_at, position=(last or 0) + 1
    )
    record_event(plan.ticket, actor, PlanAction.TASK_ADDED, field="task", after=title)
    return task


@transaction.atomic
def plan_task_update(*, task: PlanTask, actor, status: str, note: str) -> PlanTask:
    """Staff report a task's progress with a note; done is recorded with its time."""
    require_choice("status", status, TaskStatus)
    note = (note or "").strip()
    if not note:
        raise ValidationError(MSG_NOTE_REQUIRED, field="note")
    plan = _lock(task.plan)
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    if plan.status != PlanStatus.APPROVED:
        raise TransitionError(MSG_NOT_EXECUTING)
    if task.status == status:
        raise TransitionError(
            MSG_SAME_TASK_STATUS % {"status": TaskStatus(status).label}, field="status"
        )
    before = task.status
    task.status, task.note = status, note
    task.done_at = timezone.now() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "note", "done_at", "updated_at"])
    TaskUpdate.objects.create(task=task, status=status, note=note, actor=actor)
    record_event(
        plan.ticket, actor, PlanAction.TASK_UPDATED, field=task.title, before=before, after=status
    )
    event_publish(
        PlanAction.TASK_UPDATED,
        {
            "plan_id": plan.pk,
            "ticket": plan.ticket.reference,
            "task_id": task.pk,
            "title": task.title,
            "status": status,
            "note": note,
        },
        ticket=plan.ticket,
    )
    return task


def plan_tasks_escalate(*, now: datetime) -> int:
    """The SLA sweep's step for plan tasks: unfinished tasks past due are escalated once
    (event, notice to the owner and the case owner, webhook). Claimed with SKIP LOCKED, so
    overlapping sweeps never escalate a task twice."""
    escalated = 0
    while True:
        with transaction.atomic():
            tasks = list(
                PlanTask.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    escalated_at__isnull=True,
                    due_at__lte=now,
                    plan__status=PlanStatus.APPROVED,
                )
                .exclude(status=TaskStatus.DONE)
                .select_related("plan__ticket__case_owner", "owner")
                .order_by("due_at", "pk")[:ESCALATION_BATCH]
            )
            for task in tasks:
                _escalate(task, now)
            escalated += len(tasks)
        if len(tasks) < ESCALATION_BATCH:
            return escalated


def _escalate(task: PlanTask, now: datetime) -> None:
    task.escalated_at = now
    task.save(update_fields=["escalated_at", "updated_at"])
    ticket = task.plan.ticket
    record_event(ticket, None, PlanAction.TASK_OVERDUE, field=task.title, after=task.due_at)
    people = {task.owner, ticket.case_owner} - {None}
    for person in people:
        if not person.email:
            continue
        with override(_language_of(person)):
            subject = str(_("[%(ref)s] Plan task overdue: %(title)s")) % {
                "ref": ticket.reference,
                "title": task.title,
            }
            body = str(_("The task “%(title)s” of %(ref)s was due at %(due)s and is not done.")) % {
                "title": task.title,
                "ref": ticket.reference,
                "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M"),
            }
        outbox_enqueue_email(
            topic=PlanAction.TASK_OVERDUE,
            to=person.email,
            subject=subject,
            body=body,
            ticket=ticket,
            dedupe_key=f"plans.task_overdue:{task.pk}:{person.pk}",
        )
    event_publish(
        PlanAction.TASK_OVERDUE,
        {
            "plan_id": task.plan_id,
            "ticket": ticket.reference,
            "task_id": task.pk,
            "title": task.title,
            "due_at": task.due_at.isoformat(),
        },
        ticket=ticket,
    )


def _language_of(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "language", "") or "zh-hans"


def working_morning(now: datetime) -> tuple[datetime, datetime] | None:
    """(today's first opening, tomorrow's local midnight) on the plans calendar, if today
    is a working day and its morning has come; else None (weekend, holiday, before 9)."""
    calendar = plans_calendar()
    local = now.astimezone(calendar.zone)
    midnight = datetime.combine(local.date(), time(0), tzinfo=calendar.zone)
    opening = calendar.next_opening(midnight)
    if opening.astimezone(calendar.zone).date() != local.date() or now < opening:
        return None
    end_of_day = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=calendar.zone)
    return opening, end_of_day


def plan_digests_send(*, now: datetime | None = None) -> int:
    """One digest per case owner per working day, in the morning of the plans calendar:
    their plans' overdue and due-today tasks [S1 §2.3]. Beat runs it often; the outbox's
    dedupe key (owner, day) makes every run after the first of the day write nothing."""
    now = now or timezone.now()
    morning = working_morning(now)
    if morning is None:
        return 0
    opening, end_of_day = morning
    day = opening.astimezone(plans_calendar().zone).date()
    tasks = (
        PlanTask.objects.filter(plan__status=PlanStatus.APPROVED, due_at__lt=end_of_day)
        .exclude(status=TaskStatus.DONE)
        .filter(plan__ticket__case_owner__isnull=False)
        .select_related("plan__ticket__case_owner__staff_profile")
        .order_by("due_at", "pk")
    )
    by_owner: dict = defaultdict(list)
    for task in tasks:
        by_owner[task.plan.ticket.case_owner].append(task)
    sent = 0
    with transaction.atomic():
        for owner, owned in sorted(by_owner.items(), key=lambda item: item[0].pk):
            if not owner.email:
                continue
            with override(_language_of(owner)):
                subject = str(_("Plan tasks to check today (%(day)s)")) % {"day": day.isoformat()}
                lines = [
                    "{ref} · {title} · {due}{late}".format(
                        ref=task.plan.ticket.reference,
                        title=task.title,
                        due=timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M"),
                        late=" · " + str(_("overdue")) if task.due_at <= now else "",
                    )
                    for task in owned
                ]
            message = outbox_enqueue_email(
                topic="plans.digest",
                to=owner.email,
                subject=subject,
                body="\n".join(lines),
                dedupe_key=f"plans.digest:{owner.pk}:{day.isoformat()}",
            )
            sent += message is not None
    return sent


@transaction.atomic
def plan_daily_check_record(*, plan: ServicePlan, actor, note: str = "") -> DailyCheck:
    """The case owner checked progress today (one check per plan per day) [S1 §2.3]."""
    plan = _lock(plan)
    if plan.ticket.case_owner_id != actor.pk:
        raise ValidationError(MSG_NOT_CASE_OWNER, field="plan")
    day = timezone.localdate()
    if DailyCheck.objects.filter(plan=plan, day=day).exists():
        raise ConflictError(MSG_CHECKED_TODAY)
    check = DailyCheck.objects.create(plan=plan, day=day, checked_by=actor, note=note.strip())
    record_event(plan.ticket, actor, PlanAction.DAILY_CHECK, field="plan", after=day)
    return check


def overdue_filter(now: datetime) -> Q:
    return Q(due_at__lte=now) & ~Q(status=TaskStatus.DONE)
