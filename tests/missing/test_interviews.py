from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mace.missing import selectors, services
from mace.missing.models import ReturnInterview
from tests.versions import saved_version

from .conftest import NOW, report, return_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(area: Any) -> ReturnInterview:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    return ReturnInterview.objects.get(episode=episode)


def step(area: Any, interview: ReturnInterview, action: str, **kw: Any) -> ReturnInterview:
    kw.setdefault("at", NOW + timedelta(hours=5))
    return services.interview_record(
        interview=interview,
        data=services.InterviewIn(action=action, **kw),
        by=area.rhi_worker,
        version=saved_version(interview),
    )


def test_an_offer_within_72_hours_is_on_time(area: Any, interview: ReturnInterview) -> None:
    assert step(area, interview, "offer").offered_on_time


def test_an_offer_after_72_hours_is_late(area: Any, interview: ReturnInterview) -> None:
    assert not step(area, interview, "offer", at=NOW + timedelta(hours=73)).offered_on_time


def test_a_reply_before_the_offer_is_refused(area: Any, interview: ReturnInterview) -> None:
    with pytest.raises(ValidationError):
        step(area, interview, "accept")


def test_a_completed_interview_records_the_childs_reasons_in_their_words(
    area: Any, interview: ReturnInterview
) -> None:
    step(area, interview, "offer")
    step(area, interview, "accept")
    done = step(
        area,
        interview,
        "complete",
        push_factors=["conflict_home"],
        pull_factors=["older_associates"],
        who_with="Older lads from Warrenford",
        child_words="I go because they give me money.",
    )
    assert done.completed_at is not None
    assert done.pull_factors == ["older_associates"]
    assert not done.is_open


def test_completing_without_the_childs_words_is_refused(area: Any, interview: ReturnInterview) -> None:
    step(area, interview, "offer")
    step(area, interview, "accept")
    with pytest.raises(ValidationError) as err:
        step(area, interview, "complete", push_factors=["school"])
    assert "child_words" in err.value.message_dict


def test_a_declined_interview_stays_open_until_a_follow_up_is_recorded(
    area: Any, interview: ReturnInterview
) -> None:
    step(area, interview, "offer")
    declined = step(area, interview, "decline")
    assert declined.is_open
    assert declined in selectors.interview_queue(area.rhi_worker)
    followed = services.interview_record(
        interview=declined,
        data=services.InterviewIn(action="follow_up", follow_up="Social worker to visit on Friday."),
        by=area.rhi_worker,
        version=saved_version(declined),
    )
    assert not followed.is_open
    assert followed not in selectors.interview_queue(area.rhi_worker)


def test_a_follow_up_needs_words(area: Any, interview: ReturnInterview) -> None:
    step(area, interview, "offer")
    step(area, interview, "decline")
    with pytest.raises(ValidationError) as err:
        services.interview_record(
            interview=interview,
            data=services.InterviewIn(action="follow_up"),
            by=area.rhi_worker,
            version=saved_version(interview),
        )
    assert "follow_up" in err.value.message_dict


def test_only_the_return_service_records_interviews(area: Any, interview: ReturnInterview) -> None:
    with pytest.raises(PermissionError):
        services.interview_record(
            interview=interview,
            data=services.InterviewIn(action="offer", at=NOW),
            by=area.social_worker,
            version=saved_version(interview),
        )


def test_the_return_service_sees_the_child_it_is_asked_to_see(area: Any, interview: ReturnInterview) -> None:
    assert selectors.interview_for_user(area.rhi_worker, interview.pk) == interview


def test_a_stale_interview_form_is_a_conflict(area: Any, interview: ReturnInterview) -> None:
    version = interview.version
    step(area, interview, "offer")
    with pytest.raises(services.Conflict):
        services.interview_record(
            interview=interview,
            data=services.InterviewIn(action="offer", at=NOW),
            by=area.rhi_worker,
            version=version,
        )
