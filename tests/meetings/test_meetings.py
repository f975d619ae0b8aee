from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mace.meetings import selectors, services
from mace.meetings.models import Meeting
from mace.missing import services as missing_services
from mace.missing.models import StrategyRequirement
from tests.versions import saved_version

from ..factories import InvolvementFactory, UserFactory
from ..missing.conftest import report
from .conftest import NOW, schedule

pytestmark = pytest.mark.django_db


def held(area: Any, meeting: Meeting, **kw: Any) -> Meeting:
    data = services.HeldIn(
        held_at=kw.pop("held_at", meeting.scheduled_at),
        attendance={i.pk: True for i in meeting.invitations.all()},
        decision="Section 47 enquiry: the threshold of significant harm is met.",
        section_47=kw.pop("section_47", True),
        **kw,
    )
    return services.meeting_hold(meeting=meeting, data=data, by=area.manager, version=saved_version(meeting))


def test_every_professional_with_the_child_is_invited_across_agencies(area: Any) -> None:
    nurse = UserFactory(first_name="School", last_name="Nurse")
    InvolvementFactory(person=area.child, team=nurse.team, worker=nurse)
    meeting = schedule(area)
    invited = set(meeting.invitations.values_list("user_id", flat=True))
    assert {area.manager.pk, area.social_worker.pk, nurse.pk} <= invited


def test_the_police_officer_on_the_rota_is_invited_to_a_strategy_meeting(area: Any, on_rota: Any) -> None:
    meeting = schedule(area)
    assert meeting.police_attendee == on_rota
    assert meeting.invitations.filter(user=on_rota, role="Police (rota)").exists()


def test_a_strategy_meeting_needs_a_child(area: Any) -> None:
    with pytest.raises(ValidationError) as err:
        schedule(area, children=[])
    assert "children" in err.value.message_dict


def test_attendance_cannot_be_recorded_before_the_meeting_happens(area: Any) -> None:
    meeting = schedule(area, at=NOW + timedelta(days=30))
    with pytest.raises(ValidationError) as err:
        held(area, meeting, held_at=meeting.scheduled_at)
    assert "has not happened yet" in str(err.value)


def test_a_strategy_meeting_records_whether_there_will_be_a_section_47_enquiry(area: Any) -> None:
    meeting = schedule(area)
    with pytest.raises(ValidationError) as err:
        held(area, meeting, section_47=None)
    assert "section_47" in err.value.message_dict


def test_holding_the_48_hour_meeting_turns_the_requirement_green(area: Any, on_rota: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    meeting = schedule(area, requirement=requirement)
    assert meeting.origin == Meeting.Origin.MISSING_48H
    held(area, meeting)
    requirement.refresh_from_db()
    assert requirement.held_at == meeting.scheduled_at
    assert requirement.police_attended


def test_a_stale_form_is_a_conflict(area: Any) -> None:
    meeting = schedule(area)
    stale = meeting.version
    held(area, meeting)
    with pytest.raises(services.Conflict):
        services.minutes_write(meeting=meeting, minutes="Late edit", by=area.manager, version=stale)


def test_minutes_cannot_be_shared_with_someone_not_invited(area: Any) -> None:
    meeting = held(area, schedule(area))
    services.minutes_write(
        meeting=meeting, minutes="Minutes", by=area.manager, version=saved_version(meeting)
    )
    stranger = UserFactory()
    with pytest.raises(ValidationError) as err:
        services.minutes_share(meeting=meeting, recipients=[stranger], by=area.manager)
    assert "not invited" in str(err.value)


def test_minutes_count_as_shared_once_every_invitee_has_them(area: Any) -> None:
    meeting = held(area, schedule(area))
    services.minutes_write(
        meeting=meeting, minutes="Minutes", by=area.manager, version=saved_version(meeting)
    )
    first, *rest = [i.user for i in meeting.invitations.all()]
    meeting = services.minutes_share(meeting=meeting, recipients=[first], by=area.manager)
    assert meeting.minutes_shared_at is None or not rest
    meeting = services.minutes_share(meeting=meeting, recipients=rest, by=area.manager)
    assert meeting.minutes_shared_at is not None


def test_minutes_are_due_10_days_after_the_meeting(area: Any) -> None:
    meeting = held(area, schedule(area))
    assert meeting.minutes_due_at == meeting.held_at + timedelta(days=10)


def test_an_action_without_an_owner_is_refused(area: Any) -> None:
    meeting = held(area, schedule(area))
    with pytest.raises(ValidationError) as err:
        services.action_add(
            meeting=meeting, description="Visit", owner=None, due_on=NOW.date(), by=area.manager
        )
    assert "owner" in err.value.message_dict


def test_compliance_counts_on_time_late_and_waits_for_meetings_inside_their_10_days(area: Any) -> None:
    on_time = held(area, schedule(area, at=NOW - timedelta(days=40)))
    late = held(area, schedule(area, at=NOW - timedelta(days=30)))
    waiting = held(area, schedule(area, at=NOW - timedelta(days=2)))
    for m, days in ((on_time, 3), (late, 15)):
        services.minutes_write(meeting=m, minutes="Minutes", by=area.manager, version=saved_version(m))
        services.minutes_share(
            meeting=m,
            recipients=[i.user for i in m.invitations.all()],
            by=area.manager,
            at=m.held_at + timedelta(days=days),
        )
    c = selectors.minutes_compliance(
        area.manager, since=(NOW - timedelta(days=60)).date(), until=NOW.date(), now=NOW
    )
    assert (c.overall.met, c.overall.total) == (1, 2)
    assert c.overall.text == "1 of 2 (50%)"
    assert waiting not in c.late and late in c.late


def test_a_stranger_cannot_open_a_meeting(area: Any, make_user: Any) -> None:
    from mace.accounts.models import Role
    from mace.people.selectors import PersonNotFound

    meeting = schedule(area)
    with pytest.raises(PersonNotFound):
        selectors.meeting_for_user(make_user(Role.SOCIAL_WORKER), meeting.pk)


def test_completing_an_action_twice_keeps_the_first_completion(area: Any) -> None:
    meeting = held(area, schedule(area))
    action = services.action_add(
        meeting=meeting, description="Visit", owner=area.social_worker, due_on=NOW.date(), by=area.manager
    )
    first = services.action_complete(action=action, by=area.social_worker).completed_at
    again = services.action_complete(action=action, by=area.social_worker)
    assert first is not None and again.completed_at == first


def test_a_meeting_for_a_front_door_task_or_the_48_hour_rule_is_a_strategy_meeting(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    with pytest.raises(ValidationError) as err:
        schedule(area, kind=Meeting.Kind.MACE, requirement=requirement)
    assert "kind" in err.value.message_dict


def test_only_roles_that_record_strategy_meetings_arrange_one_for_the_48_hour_rule(area: Any) -> None:
    from mace.accounts.models import Role

    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    early_help = UserFactory(team=area.social_work, agency=area.council, roles=[Role.EARLY_HELP_PRACTITIONER])
    data = services.MeetingIn(
        kind=Meeting.Kind.STRATEGY,
        scheduled_at=NOW,
        purpose="Missing 48 hours",
        children=[area.child],
        requirement=requirement,
    )
    with pytest.raises(PermissionError):
        services.meeting_schedule(
            data=data, partnership=area.partnership, team=area.social_work, by=early_help
        )


def test_only_roles_that_record_strategy_meetings_hold_one_for_the_48_hour_rule(area: Any) -> None:
    from mace.accounts.models import Role

    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    meeting = schedule(area, requirement=StrategyRequirement.objects.get(episode=episode))
    early_help = UserFactory(team=area.social_work, agency=area.council, roles=[Role.EARLY_HELP_PRACTITIONER])
    data = services.HeldIn(held_at=meeting.scheduled_at, attendance={}, decision="No s47", section_47=False)
    with pytest.raises(PermissionError):
        services.meeting_hold(meeting=meeting, data=data, by=early_help, version=saved_version(meeting))
    assert not StrategyRequirement.objects.get(episode=episode).held_at
