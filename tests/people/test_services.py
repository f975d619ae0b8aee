from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry, Notification
from mace.people import selectors, services
from mace.people.models import BreakGlassGrant, ChronologyEvent, Involvement, Person

from ..factories import (
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    RestrictedPersonFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _new(**overrides: object) -> services.NewPerson:
    data = {"given_names": "Kayden", "family_name": "Moss", "date_of_birth": date(2011, 3, 27), "sex": "M"}
    data.update(overrides)
    return services.NewPerson(**data)  # type: ignore[arg-type]


def test_person_create_writes_record_chronology_log_and_involvement(make_user) -> None:
    user = make_user(Role.FRONT_DOOR_WORKER)
    person = services.person_create(
        data=_new(nhs_number="943 476 5919"), partnership=PartnershipFactory(), by=user
    )
    assert person.identifiers.get().value == "9434765919"
    assert ChronologyEvent.objects.filter(person=person, title="Record created").exists()
    assert AccessLogEntry.objects.filter(action="create", person_id=person.pk, actor=user).exists()
    assert Involvement.objects.filter(person=person, team=user.team, ended_at=None).exists()


def test_invalid_nhs_number_is_refused_naming_the_field(make_user) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            data=_new(nhs_number="9434765918"),
            partnership=PartnershipFactory(),
            by=make_user(Role.FRONT_DOOR_WORKER),
        )
    assert "nhs_number" in exc.value.message_dict
    assert Person.objects.count() == 0


def test_future_date_of_birth_is_refused(make_user) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            data=_new(date_of_birth=timezone.localdate() + timedelta(days=1)),
            partnership=PartnershipFactory(),
            by=make_user(Role.FRONT_DOOR_WORKER),
        )
    assert exc.value.message_dict["date_of_birth"] == ["Date of birth must be today or in the past"]


def test_every_problem_is_reported_at_once() -> None:
    errors = services.validate_new_person(
        _new(given_names="", family_name="", nhs_number="123", upn="X", date_of_birth=date(1850, 1, 1))
    )
    assert {"given_names", "family_name", "nhs_number", "upn", "date_of_birth"} <= set(errors)


def test_a_child_born_long_ago_is_refused() -> None:
    errors = services.validate_new_person(_new(date_of_birth=date(1960, 1, 1)))
    assert "date_of_birth" in errors


def test_roles_that_cannot_add_people_are_refused(make_user) -> None:
    with pytest.raises(PermissionError):
        services.person_create(data=_new(), partnership=PartnershipFactory(), by=make_user(Role.EXECUTIVE))


def test_break_glass_alerts_reviewers_and_opens_the_record(make_user) -> None:
    partnership = PartnershipFactory()
    lead = make_user(Role.HEALTH_SAFEGUARDING_LEAD)
    user = make_user(Role.ED_CLINICIAN)
    person = PersonFactory(partnership=partnership)
    services.break_glass_open(user=user, person_id=person.pk, reason="Child in ED tonight, need flags")
    assert Notification.objects.filter(user=lead, title__startswith="Break-glass").exists()
    assert selectors.person_for_user(user, person.pk)[1] == "break_glass"
    entry = AccessLogEntry.objects.filter(action="view", person_id=person.pk).latest("id")
    assert entry.reason == "Child in ED tonight, need flags"


def test_break_glass_needs_a_reason(make_user) -> None:
    with pytest.raises(ValidationError):
        services.break_glass_open(
            user=make_user(Role.ED_CLINICIAN), person_id=PersonFactory().pk, reason="   "
        )


def test_break_glass_never_opens_a_restricted_record(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    person = RestrictedPersonFactory()
    with pytest.raises(selectors.PersonNotFound):
        services.break_glass_open(user=user, person_id=person.pk, reason="I really need to see this record")
    assert not BreakGlassGrant.objects.exists()


def test_break_glass_expires(make_user, time_machine) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    user = make_user(Role.SOCIAL_WORKER)
    person = PersonFactory()
    services.break_glass_open(user=user, person_id=person.pk, reason="Strategy discussion in an hour")
    time_machine.shift(timedelta(hours=9))
    with pytest.raises(selectors.PersonNotFound):
        selectors.person_for_user(user, person.pk)


def test_break_glass_review_marked_inappropriate_ends_access(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    admin = make_user(Role.ADMINISTRATOR)
    person = PersonFactory()
    grant = services.break_glass_open(
        user=user, person_id=person.pk, reason="Curious about a neighbour's child"
    )
    services.break_glass_review(grant=grant, outcome="inappropriate", note="Referred to HR", by=admin)
    with pytest.raises(selectors.PersonNotFound):
        selectors.person_for_user(user, person.pk)


def test_inappropriate_review_needs_a_note(make_user) -> None:
    grant = services.break_glass_open(
        user=make_user(Role.SOCIAL_WORKER),
        person_id=PersonFactory().pk,
        reason="Needed for a strategy meeting",
    )
    with pytest.raises(ValidationError):
        services.break_glass_review(
            grant=grant, outcome="inappropriate", note="", by=make_user(Role.ADMINISTRATOR)
        )


def test_restricted_flag_seals_the_record_for_the_team(make_user) -> None:
    team = TeamFactory()
    setter = make_user(Role.SOCIAL_WORKER, team=team)
    colleague = make_user(Role.SOCIAL_WORKER, team=team)
    person = PersonFactory()
    InvolvementFactory(person=person, team=team)
    services.flag_set(person=person, kind="restricted", reason="Protected identity", by=setter)
    assert selectors.person_for_user(setter, person.pk)[1] == "named"
    with pytest.raises(selectors.PersonNotFound):
        selectors.person_for_user(colleague, person.pk)


def test_flag_without_reason_is_refused(make_user) -> None:
    with pytest.raises(ValidationError):
        services.flag_set(person=PersonFactory(), kind="cse", reason=" ", by=make_user(Role.SOCIAL_WORKER))


def test_ended_involvement_ends_access(make_user) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    person = PersonFactory()
    involvement = InvolvementFactory(person=person, team=user.team)
    services.involvement_end(involvement=involvement, reason="Case closed", by=user)
    with pytest.raises(selectors.PersonNotFound):
        selectors.person_for_user(user, person.pk)


def test_disabled_user_sees_nothing() -> None:
    user = UserFactory(roles=[Role.SOCIAL_WORKER], is_active=False)
    person = PersonFactory()
    InvolvementFactory(person=person, team=user.team)
    assert not selectors.visible_to(user).exists()
