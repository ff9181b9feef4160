"""factory-boy factories shared by the whole suite."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers.models import Customer
from servicedesk.demo_data import APPROVAL_LIMITS_BY_LEVEL
from staff.models import Role, StaffApprovalLimit, StaffLevel, StaffProfile, Team
from tickets.models import Category, Channel, Kind, Priority, Ticket

User = get_user_model()

ROLE_LEVEL = {
    Role.AGENT: StaffLevel.JUNIOR,
    Role.SUPERVISOR: StaffLevel.SUPERVISOR,
    Role.MANAGER: StaffLevel.MANAGER,
    Role.ADMINISTRATOR: StaffLevel.MANAGER,
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")
    is_staff = False

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        role = extracted or Role.AGENT
        if not create:
            return
        self.groups.add(Group.objects.get(name=role))
        level = ROLE_LEVEL[role]
        profile = StaffProfile.objects.create(user=self, level=level, display_name=self.username)
        # The approval limit lives on the profile: the examples of the requirements.
        StaffApprovalLimit.objects.bulk_create(
            StaffApprovalLimit(profile=profile, currency=currency, amount=by_level[level])
            for currency, by_level in APPROVAL_LIMITS_BY_LEVEL.items()
        )
        self.save()

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            for team in extracted:
                team.members.add(self)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    channels = factory.LazyFunction(list)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket row without services (use services in tests of behaviour)."""

    class Meta:
        model = Ticket

    reference = factory.Sequence(lambda n: f"SD-T{n:06d}")
    subject = factory.Sequence(lambda n: f"Ticket subject {n}")
    channel = Channel.EMAIL
    kind = Kind.REQUEST
    priority = Priority.NORMAL
    customer = factory.SubFactory(CustomerFactory)
    team = factory.SubFactory(TeamFactory)
