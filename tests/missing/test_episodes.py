from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mace.core.models import AccessLogEntry, Notification
from mace.missing import selectors, services
from mace.missing.models import MissingEpisode, MissingNotice, ReturnInterview, StrategyRequirement
from mace.people.models import ChronologyEvent, Involvement
from tests.versions import saved_version

from .conftest import NOW, episode_in, report, return_in

pytestmark = pytest.mark.django_db


def test_a_report_tells_childrens_social_care_at_once(area: Any) -> None:
    episode = report(area)
    notice = MissingNotice.objects.get(episode=episode)
    assert notice.kind == MissingNotice.Kind.REPORTED
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert {area.worker.pk, area.social_worker.pk} <= told


def test_a_report_reaches_the_childs_chronology_and_the_access_log(area: Any) -> None:
    episode = report(area)
    assert ChronologyEvent.objects.filter(person=area.child, kind=ChronologyEvent.Kind.MISSING).exists()
    assert AccessLogEntry.objects.filter(object_type="missing_episode", object_id=str(episode.pk)).exists()


def test_the_reporting_team_becomes_involved_through_the_people_service_and_it_is_logged(area: Any) -> None:
    report(area)
    involvement = Involvement.objects.get(person=area.child, team=area.officer.team, ended_at__isnull=True)
    assert involvement.kind == Involvement.Kind.INVOLVED
    assert AccessLogEntry.objects.filter(
        object_type="involvement", object_id=str(involvement.pk), person_id=area.child.pk
    ).exists()


def test_the_same_police_reference_returns_the_first_episode(area: Any) -> None:
    first = report(area, "MFH-9")
    again, created = services.episode_report(
        data=episode_in(area, "mfh-9"), partnership=area.partnership, route="api", by=area.officer
    )
    assert (again.pk, created) == (first.pk, False)
    assert MissingEpisode.objects.count() == 1


def test_the_strategy_meeting_is_due_48_hours_after_the_child_was_last_seen(area: Any) -> None:
    episode = report(area)
    assert episode.strategy_due_at == episode.last_seen_at + timedelta(hours=48)


def test_a_child_nobody_knows_is_recorded_as_a_new_person(area: Any) -> None:
    data = episode_in(area, "MFH-U", person=None, subject={"given_names": "Kayden", "family_name": "Zzyzx"})
    episode, created = services.episode_report(
        data=data, partnership=area.partnership, route="api", by=area.officer
    )
    assert created
    assert episode.match_status == MissingEpisode.Match.NEW
    assert episode.person is not None  # nobody like them on record: a new record, never lost


def test_an_uncertain_match_is_never_linked_and_is_listed_to_identify(area: Any) -> None:
    child = area.child
    subject = {"given_names": child.given_names, "family_name": child.family_name}  # no date of birth
    data = episode_in(area, "MFH-V", person=None, subject=subject)
    episode, _ = services.episode_report(
        data=data, partnership=area.partnership, route="api", by=area.officer
    )
    assert episode.match_status == MissingEpisode.Match.NEEDS_REVIEW
    assert episode.person is None
    assert episode in selectors.to_identify_rows(area.worker)
    assert episode in [r.episode for r in selectors.morning_list(area.worker).rows]


def test_linking_an_unidentified_episode_tells_the_childs_worker(area: Any) -> None:
    data = episode_in(area, "MFH-L", person=None, subject={"given_names": "Nobody", "family_name": "Known"})
    episode, _ = services.episode_report(
        data=data, partnership=area.partnership, route="api", by=area.officer
    )
    MissingEpisode.objects.filter(pk=episode.pk).update(person=None, match_status="needs_review")
    episode.refresh_from_db()
    Notification.objects.all().delete()
    services.episode_link(episode=episode, person=area.child, by=area.worker, version=saved_version(episode))
    episode.refresh_from_db()
    assert episode.person_id == area.child.pk
    assert Notification.objects.filter(user=area.social_worker).exists()


def test_overlapping_episodes_for_one_child_are_refused(area: Any) -> None:
    report(area, "MFH-1")
    with pytest.raises(ValidationError) as err:
        report(area, "MFH-2", seen=NOW - timedelta(hours=1))
    assert "already has an open missing episode" in str(err.value)


def test_a_later_episode_after_a_return_is_accepted(area: Any) -> None:
    first = report(area, "MFH-1", seen=NOW - timedelta(days=3))
    services.episode_return(
        episode=first, data=return_in(NOW - timedelta(days=2)), by=area.officer, version=saved_version(first)
    )
    assert report(area, "MFH-2", seen=NOW - timedelta(hours=2)).pk


def test_a_return_before_the_report_is_refused(area: Any) -> None:
    episode = report(area)
    with pytest.raises(ValidationError) as err:
        services.episode_return(
            episode=episode,
            data=return_in(episode.reported_at - timedelta(minutes=1)),
            by=area.officer,
            version=saved_version(episode),
        )
    assert "returned_at" in err.value.message_dict


def test_last_seen_after_the_report_is_refused(area: Any) -> None:
    with pytest.raises(ValidationError) as err:
        report(area, reported_at=NOW - timedelta(hours=5), seen=NOW - timedelta(hours=3))
    assert "last_seen_at" in err.value.message_dict


def test_a_return_opens_a_return_home_interview_due_in_72_hours(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.offer_due_at == NOW + timedelta(hours=72)
    assert interview.team == area.rhi_team
    assert Involvement.objects.filter(person=area.child, team=area.rhi_team, ended_at__isnull=True).exists()


def test_a_return_notifies_childrens_social_care_and_the_return_service(area: Any) -> None:
    episode = report(area)
    Notification.objects.all().delete()
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    assert MissingNotice.objects.filter(episode=episode, kind=MissingNotice.Kind.RETURNED).exists()
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert {area.social_worker.pk, area.worker.pk, area.rhi_worker.pk} <= told


def test_the_same_return_sent_twice_changes_nothing(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    _, changed = services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    assert not changed
    assert ReturnInterview.objects.count() == 1


def test_a_different_second_return_is_refused(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    with pytest.raises(ValidationError):
        services.episode_return(
            episode=episode,
            data=return_in(NOW + timedelta(minutes=5)),
            by=area.officer,
            version=saved_version(episode),
        )


def test_a_social_worker_cannot_record_a_return(area: Any) -> None:
    episode = report(area)
    with pytest.raises(PermissionError):
        services.episode_return(
            episode=episode, data=return_in(), by=area.social_worker, version=saved_version(episode)
        )


def test_a_stale_update_is_refused_as_a_conflict(area: Any) -> None:
    episode = report(area)
    version = episode.version
    services.episode_update(episode=episode, text="Seen in town", by=area.officer, version=version)
    with pytest.raises(services.Conflict):
        services.episode_update(episode=episode, text="Phone off", risk=3, by=area.officer, version=version)


def test_an_update_can_regrade_the_risk(area: Any) -> None:
    episode = report(area)
    services.episode_update(
        episode=episode, text="Seen with older males", risk=3, by=area.officer, version=saved_version(episode)
    )
    episode.refresh_from_db()
    assert episode.risk == MissingEpisode.Risk.HIGH
    assert episode.updates.get().risk_after == 3


# The 48-hour rule ----------------------------------------------------------------------------------


def test_no_strategy_meeting_is_required_before_48_hours(area: Any) -> None:
    episode = report(area)
    assert services.require_strategy_meetings(episode.strategy_due_at - timedelta(minutes=1)) == 0


def test_a_strategy_meeting_is_required_at_48_hours_and_alerts_the_team_and_police(area: Any) -> None:
    episode = report(area)
    Notification.objects.all().delete()
    assert services.require_strategy_meetings(episode.strategy_due_at) == 1
    assert StrategyRequirement.objects.get(episode=episode).held_at is None
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert {area.social_worker.pk, area.manager.pk, area.officer.pk} <= told


def test_the_rule_runs_once_per_episode(area: Any) -> None:
    episode = report(area)
    services.require_strategy_meetings(episode.strategy_due_at)
    assert services.require_strategy_meetings(episode.strategy_due_at + timedelta(hours=1)) == 0


def test_children_already_missing_when_the_rule_starts_are_caught(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=10))
    assert services.require_strategy_meetings(NOW) == 1
    assert StrategyRequirement.objects.filter(episode=episode).exists()


def test_a_return_after_48_hours_that_the_worker_missed_still_requires_the_meeting(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=4))
    services.episode_return(
        episode=episode, data=return_in(NOW), by=area.officer, version=saved_version(episode)
    )
    assert StrategyRequirement.objects.filter(episode=episode).exists()


def test_a_held_meeting_needs_an_outcome(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    with pytest.raises(ValidationError) as err:
        services.strategy_held(
            requirement=requirement,
            held_at=NOW,
            outcome="",
            agencies=[],
            police_attended=True,
            by=area.manager,
        )
    assert "outcome" in err.value.message_dict


def test_a_held_meeting_turns_the_requirement_green(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    services.strategy_held(
        requirement=requirement,
        held_at=NOW,
        outcome="Section 47 enquiry; police to search known addresses.",
        agencies=[area.police, area.council],
        police_attended=True,
        by=area.manager,
    )
    requirement.refresh_from_db()
    assert requirement.held_at == NOW
    assert selectors.open_strategy_requirements(area.manager) == []


# The morning list ----------------------------------------------------------------------------------


def test_the_morning_list_is_shared_at_eight_once_a_day(area: Any) -> None:
    report(area)
    seven = NOW.replace(hour=7, minute=59)  # November: London is UTC
    assert services.share_morning_list(seven) == 0
    assert services.share_morning_list(NOW.replace(hour=8)) == 1
    assert services.share_morning_list(NOW.replace(hour=9)) == 0


def test_the_police_see_every_child_missing_in_the_partnership(area: Any) -> None:
    episode = report(area)
    assert [r.episode for r in selectors.morning_list(area.officer).rows] == [episode]


def test_a_worker_sees_only_the_missing_children_they_work_with(area: Any, make_user: Any) -> None:
    report(area)
    from mace.accounts.models import Role

    stranger = make_user(Role.SOCIAL_WORKER)
    assert [r.episode.person for r in selectors.morning_list(area.social_worker).rows] == [area.child]
    assert selectors.morning_list(stranger).rows == []


def test_the_morning_list_puts_high_risk_first(area: Any) -> None:
    from ..factories import PersonFactory

    other = PersonFactory(partnership=area.partnership)
    report(area, "MFH-1")
    high = report(area, "MFH-2", person=other, risk=3)
    assert selectors.morning_list(area.officer).rows[0].episode == high


def test_reading_the_morning_list_is_logged(area: Any) -> None:
    episode = report(area)
    selectors.morning_list(area.worker)
    assert AccessLogEntry.objects.filter(
        actor=area.worker, object_type="missing_episode", object_id=str(episode.pk), action="view"
    ).exists()
