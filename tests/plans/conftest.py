"""Fixtures of the service-plan tests: a category with its plan template, two departments,
and the SLA tests' known working week (Wednesday 4 March 2026, 10:00 Shanghai)."""

import pytest

from plans.models import DurationUnit, OwnerRole, PlanTemplate, TemplateSection, TemplateTask
from staff.models import Role
from tests.factories import CategoryFactory, TeamFactory, UserFactory
from tests.sla.conftest import clock_at, new_ticket, shanghai, wednesday  # noqa: F401
from tickets.models import Complexity

__all__ = ["shanghai"]


@pytest.fixture
def category(db):
    return CategoryFactory(name="Installation")


@pytest.fixture
def template(category):
    template = PlanTemplate.objects.create(
        category=category, name_zh="安装方案", name_en="Installation plan"
    )
    TemplateSection.objects.create(
        template=template, key="goal", title_zh="目标", title_en="Goal", position=1
    )
    TemplateSection.objects.create(
        template=template, key="steps", title_zh="步骤", title_en="Steps", position=2
    )
    TemplateSection.objects.create(
        template=template,
        key="risks",
        title_zh="风险",
        title_en="Risks",
        required=False,
        position=3,
    )
    TemplateTask.objects.create(
        template=template,
        title_zh="上门勘察",
        title_en="Site survey",
        owner_role=OwnerRole.ASSIGNEE,
        duration=1,
        duration_unit=DurationUnit.BUSINESS_DAYS,
        position=1,
    )
    TemplateTask.objects.create(
        template=template,
        title_zh="安装",
        title_en="Install",
        owner_role=OwnerRole.CASE_OWNER,
        duration=48,
        duration_unit=DurationUnit.HOURS,
        position=2,
    )
    return template


FILLED = {"goal": "Printer works", "steps": "Visit, replace the fuser"}


@pytest.fixture
def request_ticket(new_ticket, category, template, agent):  # noqa: F811
    def create(**fields):
        return new_ticket(**{"category": category, "case_owner": agent, **fields})

    return create


@pytest.fixture
def complex_ticket(wednesday, request_ticket):  # noqa: F811
    return request_ticket(complexity=Complexity.COMPLEX)


@pytest.fixture
def engineering(db):
    team = TeamFactory(name="Engineering", is_department=True)
    UserFactory(username="engineer", role=Role.AGENT, teams=[team])
    return team


@pytest.fixture
def finance(db):
    team = TeamFactory(name="Finance", is_department=True)
    UserFactory(username="accountant", role=Role.AGENT, teams=[team])
    return team


def member(team):
    return team.members.get()
