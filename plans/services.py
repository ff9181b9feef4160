"""Service plans: drafted from the category's template, edited, submitted, reviewed by the
departments involved, approved [S1 §2.2].

A simple request's plan is made when it is submitted; a complex one's when every
department asked has approved it, each within its own 2-business-day clock. A department
asking for changes sends the plan back as a new version, reviewed in a new round.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import (
    AuthorityError,
    ConflictError,
    PreconditionFailed,
    TransitionError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from staff.models import Team
from tickets.audit import record_event
from tickets.models import Complexity, Kind, Ticket
from tickets.sla.plan_clocks import (
    sla_department_review_answered,
    sla_department_review_start,
    sla_service_plan_made,
)

from .events import PlanAction
from .models import (
    DepartmentReview,
    OwnerRole,
    PlanStatus,
    PlanTask,
    PlanTemplate,
    PlanVersion,
    ReviewState,
    ServicePlan,
)
from .scheduling import schedule_template_tasks

MSG_NOT_A_REQUEST = _("Only requests get a service plan.")
MSG_NO_TEMPLATE = _("No plan template for the category “%(category)s”; an administrator adds one.")
MSG_NO_CATEGORY = _("Choose the ticket's category first: the plan follows its template.")
MSG_PLAN_EXISTS = _("This ticket already has a service plan.")
MSG_NOT_DRAFT = _("Only a draft plan can be changed or submitted; this one is “%(status)s”.")
MSG_UNKNOWN_SECTION = _("The plan template has no section “%(key)s”.")
MSG_SECTION_REQUIRED = _("The section “%(title)s” is required.")
MSG_DEPARTMENTS_REQUIRED = _("A complex plan is reviewed by the departments involved: name them.")
MSG_NOT_DEPARTMENT = _("%(team)s is not a department.")
MSG_NOT_IN_REVIEW = _("The plan is not in review.")
MSG_NOT_REVIEWER = _("%(team)s is not a department reviewing this plan.")
MSG_NOT_MEMBER = _("Only members of %(team)s may give its opinion.")
MSG_ALREADY_ANSWERED = _("%(team)s has already given its opinion in this round.")
MSG_OPINION_REQUIRED = _("Give the department's opinion.")
MSG_STALE_PLAN = _("The plan was changed by someone else; reload it and try again.")


class ReviewDecision:
    APPROVE = ReviewState.APPROVED
    REQUEST_CHANGES = ReviewState.CHANGES_REQUESTED
    CHOICES = (ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED)


def plan_template_for(ticket: Ticket) -> PlanTemplate | None:
    """The active template of the ticket's category, else of its nearest ancestor's."""
    category, seen = ticket.category, set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        template = PlanTemplate.objects.filter(category=category, active=True).first()
        if template is not None:
            return template
        category = category.parent
    return None


def _payload(plan: ServicePlan, **extra) -> dict:
    return {
        "plan_id": plan.pk,
        "ticket": plan.ticket.reference,
        "status": plan.status,
        "version": plan.version,
        **extra,
    }


def _lock_plan(plan: ServicePlan, *, expected_version: int | None = None) -> ServicePlan:
    # The ticket first, then the plan: the order of every ticket service (no deadlock).
    ticket = Ticket.objects.select_for_update().get(pk=plan.ticket_id)
    locked = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    locked.ticket = ticket
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed(MSG_STALE_PLAN)
    return locked


def _current_version(plan: ServicePlan) -> PlanVersion:
    return plan.versions.select_for_update().get(number=plan.version)


@transaction.atomic
def plan_draft(*, ticket: Ticket, actor) -> ServicePlan:
    """Draft the plan from the category's template: its sections, empty, and its tasks."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("category").get(pk=ticket.pk)
    )
    if ticket.kind != Kind.REQUEST:
        raise ValidationError(MSG_NOT_A_REQUEST, field="ticket")
    if ServicePlan.objects.filter(ticket=ticket).exists():
        raise ConflictError(MSG_PLAN_EXISTS)
    if ticket.category_id is None:
        raise ValidationError(MSG_NO_CATEGORY, field="ticket")
    template = plan_template_for(ticket)
    if template is None:
        raise ValidationError(MSG_NO_TEMPLATE % {"category": ticket.category.path}, field="ticket")
    plan = ServicePlan.objects.create(ticket=ticket, template=template, drafted_by=actor)
    plan.ticket = ticket
    sections = list(template.sections.all())
    PlanVersion.objects.create(
        plan=plan, number=1, sections={s.key: "" for s in sections}, created_by=actor
    )
    owners = {
        OwnerRole.CASE_OWNER: ticket.case_owner or actor,
        OwnerRole.ASSIGNEE: ticket.assignee or ticket.case_owner or actor,
    }
    PlanTask.objects.bulk_create(
        PlanTask(
            plan=plan,
            title=task.title,
            owner=owners[task.owner_role],
            duration=task.duration,
            duration_unit=task.duration_unit,
            position=task.position,
        )
        for task in template.tasks.all()
    )
    record_event(ticket, actor, PlanAction.DRAFTED, field="plan", after=template.display_name)
    event_publish(PlanAction.DRAFTED, _payload(plan), ticket=ticket)
    return plan


def _section_titles(plan: ServicePlan) -> dict[str, tuple[str, bool]]:
    if plan.template_id is None:
        return {}
    return {s.key: (s.title, s.required) for s in plan.template.sections.all()}


@transaction.atomic
def plan_update_sections(
    *, plan: ServicePlan, actor, sections: dict[str, str], expected_version: int | None = None
) -> ServicePlan:
    """Write the draft's section texts (only the template's sections)."""
    plan = _lock_plan(plan, expected_version=expected_version)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(MSG_NOT_DRAFT % {"status": plan.get_status_display()})
    known = _section_titles(plan)
    unknown = {key: [MSG_UNKNOWN_SECTION % {"key": key}] for key in sections if key not in known}
    if unknown:
        raise ValidationError(fields=unknown)
    version = _current_version(plan)
    version.sections = {**version.sections, **{k: str(v).strip() for k, v in sections.items()}}
    version.save(update_fields=["sections"])
    record_event(plan.ticket, actor, PlanAction.SECTIONS_CHANGED, field="plan", after=plan.version)
    return plan


def _departments(teams: Iterable[Team]) -> list[Team]:
    teams = list({team.pk: team for team in teams}.values())
    not_departments = [team for team in teams if not team.is_department]
    if not_departments:
        raise ValidationError(
            MSG_NOT_DEPARTMENT % {"team": not_departments[0].name}, field="departments"
        )
    return sorted(teams, key=lambda team: team.name)


@transaction.atomic
def plan_submit(
    *,
    plan: ServicePlan,
    actor,
    departments: Iterable[Team] = (),
    expected_version: int | None = None,
) -> ServicePlan:
    """Submit the draft: a simple plan is made now; a complex one goes to the departments
    (the ones named, else the previous round's), each with its own review clock."""
    plan = _lock_plan(plan, expected_version=expected_version)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(MSG_NOT_DRAFT % {"status": plan.get_status_display()})
    version = _current_version(plan)
    missing = {
        key: [MSG_SECTION_REQUIRED % {"title": title}]
        for key, (title, required) in _section_titles(plan).items()
        if required and not (version.sections.get(key) or "").strip()
    }
    if missing:
        raise ValidationError(fields=missing)
    ticket = plan.ticket
    is_complex = ticket.complexity == Complexity.COMPLEX
    teams = _departments(departments)
    if is_complex and not teams and plan.review_round:
        teams = list(
            Team.objects.filter(
                pk__in=plan.reviews.filter(round=plan.review_round).values("team")
            ).order_by("name")
        )
    if is_complex and not teams:
        raise ValidationError(MSG_DEPARTMENTS_REQUIRED, field="departments")
    now = timezone.now()
    version.submitted_at = now
    version.save(update_fields=["submitted_at"])
    plan.is_complex, plan.submitted_at = is_complex, now
    record_event(ticket, actor, PlanAction.SUBMITTED, field="plan", after=plan.version)
    if is_complex:
        plan.status = PlanStatus.IN_REVIEW
        plan.review_round += 1
        plan.save(
            update_fields=["status", "is_complex", "submitted_at", "review_round", "updated_at"]
        )
        for team in teams:
            clock = sla_department_review_start(ticket=ticket, at=now, actor=actor)
            DepartmentReview.objects.create(
                plan=plan,
                round=plan.review_round,
                version=plan.version,
                team=team,
                requested_at=now,
                clock_cycle=clock.cycle if clock is not None else None,
            )
        event_publish(
            PlanAction.SUBMITTED,
            _payload(plan, departments=[team.name for team in teams]),
            ticket=ticket,
        )
        return plan
    plan.save(update_fields=["is_complex", "submitted_at", "updated_at"])
    event_publish(PlanAction.SUBMITTED, _payload(plan), ticket=ticket)
    # Simple request: the plan is made when it is submitted [S1 §2.2].
    _approve(plan, actor, now)
    return plan


def _approve(plan: ServicePlan, actor, at: datetime) -> None:
    plan.status, plan.approved_at = PlanStatus.APPROVED, at
    plan.save(update_fields=["status", "approved_at", "updated_at"])
    schedule_template_tasks(plan, at)
    sla_service_plan_made(ticket=plan.ticket, at=at, actor=actor)
    record_event(plan.ticket, actor, PlanAction.APPROVED, field="plan", after=plan.version)
    event_publish(PlanAction.APPROVED, _payload(plan), ticket=plan.ticket)


def is_department_member(user, team: Team) -> bool:
    return team.supervisor_id == user.pk or team.members.filter(pk=user.pk).exists()


@transaction.atomic
def plan_review(
    *, plan: ServicePlan, actor, team: Team, decision: str, opinion: str
) -> DepartmentReview:
    """A department's opinion on the plan in review: approve or request changes."""
    require_choice("decision", decision, ReviewState)
    if decision not in ReviewDecision.CHOICES:
        raise ValidationError(field="decision")
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.IN_REVIEW:
        raise TransitionError(MSG_NOT_IN_REVIEW)
    review = (
        DepartmentReview.objects.select_for_update()
        .filter(plan=plan, round=plan.review_round, team=team)
        .first()
    )
    if review is None:
        raise ValidationError(MSG_NOT_REVIEWER % {"team": team.name}, field="team")
    if not is_department_member(actor, team):
        raise AuthorityError(MSG_NOT_MEMBER % {"team": team.name})
    if review.state != ReviewState.PENDING:
        raise ConflictError(MSG_ALREADY_ANSWERED % {"team": team.name})
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError(MSG_OPINION_REQUIRED, field="opinion")
    now = timezone.now()
    review.state, review.opinion = decision, opinion
    review.answered_by, review.answered_at = actor, now
    review.save(update_fields=["state", "opinion", "answered_by", "answered_at"])
    ticket = plan.ticket
    if review.clock_cycle is not None:
        sla_department_review_answered(ticket=ticket, cycle=review.clock_cycle, at=now, actor=actor)
    record_event(
        ticket, actor, PlanAction.REVIEW_ANSWERED, field="review", before=team.name, after=decision
    )
    event_publish(
        PlanAction.REVIEW_ANSWERED,
        _payload(plan, department=team.name, decision=decision, opinion=opinion),
        ticket=ticket,
    )
    _close_round_if_answered(plan, actor, now)
    return review


def _close_round_if_answered(plan: ServicePlan, actor, at: datetime) -> None:
    states = list(
        DepartmentReview.objects.filter(plan=plan, round=plan.review_round).values_list(
            "state", flat=True
        )
    )
    if ReviewState.PENDING in states:
        return
    if ReviewState.CHANGES_REQUESTED in states:
        # Changes requested: a new version, drafted from the last, for a new round.
        last = plan.versions.get(number=plan.version)
        plan.version += 1
        plan.status = PlanStatus.DRAFT
        plan.save(update_fields=["version", "status", "updated_at"])
        PlanVersion.objects.create(
            plan=plan, number=plan.version, sections=dict(last.sections), created_by=actor
        )
        record_event(
            plan.ticket, actor, PlanAction.CHANGES_REQUESTED, field="plan", after=plan.version
        )
        event_publish(PlanAction.CHANGES_REQUESTED, _payload(plan), ticket=plan.ticket)
        return
    # Complex request: the plan is made when every department approved it [S1 §2.2].
    _approve(plan, actor, at)
