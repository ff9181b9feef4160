"""One record of every kind the API and pages address, for tests that walk every route.

Each role is a user (the agent and supervisor in the records' team); every routed id
names a real record, so a walk reaches past the 404 to the permission and the input.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from care.models import CareContact, CareDelivery, CareKind, CareStatus
from complaints import services as complaint_services
from complaints.models import ComplaintCategory, ComplaintReport, ReplyScript, Severity, Stage
from plans import acceptance as plan_acceptance
from plans import measures as plan_measures
from plans import services as plan_services
from plans.models import PlanTemplate, TemplateSection, TemplateTask
from quality.models import (
    Inspection,
    InspectionReason,
    Investigation,
    Scorecard,
    Suggestion,
    Survey,
)
from quality.scorecards import scorecards_compute
from servicedesk.api.models import WebhookEndpoint
from servicedesk.api.services import api_token_issue
from staff.models import Role
from tests.complaints.conftest import advance_to
from tests.factories import CategoryFactory, CustomerFactory, TeamFactory, UserFactory
from tickets import services as ticket_services
from tickets.models import Channel, Kind, Status


@dataclass
class World:
    users: dict
    team: object
    ticket: object
    customer: object
    complaint: object
    compensation: object
    webhook: object
    report: object
    token: object
    attachment: object
    script: object
    plan: object = None
    measure: object = None
    acceptance_token: str = ""
    survey: object = None
    inspection: object = None
    investigation: object = None
    suggestion: object = None
    care_task: object = None
    ids: dict = field(default_factory=dict)


def build_world() -> World:
    team = TeamFactory(name="World team")
    users = {
        "agent": UserFactory(username="world-agent", role=Role.AGENT, teams=[team]),
        "supervisor": UserFactory(username="world-supervisor", role=Role.SUPERVISOR, teams=[team]),
        "manager": UserFactory(username="world-manager", role=Role.MANAGER),
        "administrator": UserFactory(
            username="world-admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
        ),
    }
    team.supervisor = users["supervisor"]
    team.save()
    customer = CustomerFactory(name="World customer")
    ticket = ticket_services.ticket_create(
        actor=users["agent"],
        subject="World ticket",
        channel=Channel.API,
        team=team,
        customer=customer,
    )
    complaint = complaint_services.complaint_open(
        actor=users["agent"],
        subject="World complaint",
        severity=Severity.ROUTINE,
        category=ComplaintCategory.objects.filter(active=True).first(),
        customer=customer,
        team=team,
    )
    advance_to(complaint, users["agent"], Stage.NEGOTIATE)
    # Above a junior agent's limit (200 CNY), so it waits for a supervisor's decision.
    compensation = complaint_services.complaint_request_compensation(
        complaint=complaint, actor=users["agent"], kind="money", amount="1000", currency="CNY"
    )
    report = ComplaintReport.objects.create(
        complaint=complaint,
        version=1,
        language="zh-hans",
        html="<p>报告</p>",
        pdf=ContentFile(b"%PDF-1.4 world", name="world-report.pdf"),
    )
    token, _plain = api_token_issue(user=users["administrator"], name="World token", scopes=[])
    attachment = ticket_services.ticket_attach(
        ticket=ticket,
        actor=users["agent"],
        uploaded_file=SimpleUploadedFile("note.txt", b"hello", content_type="text/plain"),
    )
    script = ReplyScript.objects.create(
        step="empathise", language="zh-hans", title="World script", body="您好"
    )
    webhook = WebhookEndpoint.objects.create(
        name="World receiver", url="https://receiver.example.com/hook", events=[]
    )
    plan, measure, acceptance_token = _plans_world(users["agent"], team, customer)
    # A resolved ticket has its satisfaction survey, answered through a signed link.
    surveyed = ticket_services.ticket_create(
        actor=users["agent"],
        subject="World surveyed ticket",
        channel=Channel.EMAIL,
        team=team,
        customer=customer,
        assignee=users["agent"],
    )
    for status in (Status.OPEN, Status.RESOLVED):
        surveyed = ticket_services.ticket_change_status(
            ticket=surveyed, actor=users["agent"], to=status
        )
    survey = Survey.objects.get(ticket=surveyed)
    month = timezone.localdate().replace(day=1)
    inspection = Inspection.objects.create(
        ticket=surveyed, agent=users["agent"], month=month, reason=InspectionReason.RANDOM
    )
    scorecards_compute(month=month)
    scorecard = Scorecard.objects.get(agent=users["agent"], month=month)
    investigation = Investigation.objects.create(
        survey=survey, ticket=surveyed, supervisor=users["supervisor"], opened_at=timezone.now()
    )
    suggestion = Suggestion.objects.create(
        author=users["agent"], title="World suggestion", body="Try it", submitted_at=timezone.now()
    )
    # A care task for the team (care/): its agents, supervisor and managers may close it.
    care_task = CareContact.objects.create(
        customer=customer,
        kind=CareKind.BIRTHDAY,
        occasion="birthday:world",
        delivery=CareDelivery.TASK,
        status=CareStatus.SCHEDULED,
        planned_on=month,
        due_on=month,
        team=team,
    )
    world = World(
        users=users,
        team=team,
        ticket=ticket,
        customer=customer,
        complaint=complaint,
        compensation=compensation,
        webhook=webhook,
        report=report,
        token=token,
        attachment=attachment,
        script=script,
        plan=plan,
        measure=measure,
        acceptance_token=acceptance_token,
        survey=survey,
        inspection=inspection,
        investigation=investigation,
        suggestion=suggestion,
        care_task=care_task,
    )
    world.ids = {
        "tickets": ticket.pk,
        "customers": customer.pk,
        "complaints": complaint.pk,
        "compensations": compensation.pk,
        "staff": users["agent"].pk,
        "teams": team.pk,
        "webhooks": webhook.pk,
        "tokens": token.pk,
        "plans": plan.pk,
        "plan-tasks": plan.tasks.first().pk,
        "improvement-measures": measure.pk,
        "scorecards": scorecard.pk,
        "surveys": survey.pk,
        "inspections": inspection.pk,
        "investigations": investigation.pk,
        "suggestions": suggestion.pk,
    }
    return world


def _plans_world(agent, team, customer):
    """A request with an approved service plan (tasks, an acceptance link) and a feedback
    ticket with an improvement measure."""
    category = CategoryFactory(name="World plans")
    template = PlanTemplate.objects.create(category=category, name_zh="方案", name_en="Plan")
    TemplateSection.objects.create(template=template, key="goal", title_zh="目标")
    TemplateTask.objects.create(template=template, title_zh="执行", duration=1)
    ticket = ticket_services.ticket_create(
        actor=agent,
        subject="World plan",
        channel=Channel.API,
        team=team,
        customer=customer,
        category=category,
        case_owner=agent,
    )
    plan = plan_services.plan_draft(ticket=ticket, actor=agent)
    plan_services.plan_update_sections(plan=plan, actor=agent, sections={"goal": "Fix it"})
    plan_services.plan_submit(plan=plan, actor=agent)
    link = plan_acceptance.plan_acceptance_link_send(plan=plan, actor=agent)
    feedback = ticket_services.ticket_create(
        actor=agent,
        subject="World feedback",
        channel=Channel.API,
        team=team,
        customer=customer,
        kind=Kind.FEEDBACK,
    )
    measure = plan_measures.improvement_measure_record(
        ticket=feedback, actor=agent, measure="World measure"
    )
    return plan, measure, plan_acceptance.acceptance_token(link)
