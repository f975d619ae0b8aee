"""Factories: one per state, related objects kept consistent."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from mace.accounts.models import Agency, Partnership, RoleAssignment, Team, User
from mace.people.keys import name_key
from mace.people.models import BreakGlassGrant, Flag, Involvement, Person, RestrictedAccess


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("code",)

    code = "eastshire"
    name = "Eastshire Safeguarding Children Partnership"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Agency.Kind.CHILDRENS_SOCIAL_CARE

    @factory.post_generation
    def partnerships(self, create: bool, extracted: list[Partnership] | None, **kwargs: object) -> None:
        if create:
            self.partnerships.add(*(extracted or [PartnershipFactory()]))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    team = factory.SubFactory(TeamFactory)
    agency = factory.SelfAttribute("team.agency")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            RoleAssignment.objects.bulk_create(RoleAssignment(user=self, role=r) for r in extracted)
            self.__dict__.pop("_role_codes", None)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    partnership = factory.SubFactory(PartnershipFactory)
    given_names = factory.Sequence(lambda n: f"Child{n}")
    family_name = "Testperson"
    date_of_birth = factory.LazyFunction(lambda: date.today() - timedelta(days=14 * 365))
    sex = "F"
    family_key = factory.LazyAttribute(lambda o: name_key(o.family_name))
    given_key = factory.LazyAttribute(lambda o: name_key(o.given_names))


class RestrictedPersonFactory(PersonFactory):
    restricted = True


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)
    kind = Involvement.Kind.ALLOCATED
    started_at = factory.LazyFunction(timezone.now)


class AllocatedInvolvementFactory(InvolvementFactory):
    kind = Involvement.Kind.ALLOCATED


class EndedInvolvementFactory(InvolvementFactory):
    ended_at = factory.LazyFunction(timezone.now)
    ended_reason = "Case closed"


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    person = factory.SubFactory(PersonFactory)
    kind = Flag.Kind.CCE
    reason = "Found out of area with cash"
    set_by_label = "test"
    set_at = factory.LazyFunction(timezone.now)


class LiveBreakGlassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakGlassGrant

    user = factory.SubFactory(UserFactory)
    person = factory.SubFactory(PersonFactory)
    reason = "Child in the emergency department tonight"
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=8))


class ExpiredBreakGlassFactory(LiveBreakGlassFactory):
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=9))
    expires_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class RestrictedAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RestrictedAccess

    person = factory.SubFactory(RestrictedPersonFactory)
    user = factory.SubFactory(UserFactory)
    granted_by_label = "test"
    granted_at = factory.LazyFunction(timezone.now)
    reason = "Allocated worker"
