"""Waits for an autism or ADHD assessment (action 3.4): recording a referral and its outcome, the wait
worked out from the dates, the refusals, the section on the child's record, the pages and the API."""

# shifted-clocks: pinned (every test runs at NOW)

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from mace.accounts.models import Agency, Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.health import services
from mace.health.models import AssessmentWait, weeks_between
from mace.people.models import ChronologyEvent, Involvement

from ..conftest import sign_in
from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def area(db: Any) -> Any:
    class Area:
        partnership = PartnershipFactory()
        council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
        team = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
        worker = UserFactory(team=team, agency=council, roles=[Role.SOCIAL_WORKER])
        police = UserFactory(team=team, agency=council, roles=[Role.POLICE_OFFICER])
        executive = UserFactory(team=None, agency=council, roles=[Role.EXECUTIVE])
        child = PersonFactory(partnership=partnership, given_names="Kai", family_name="Rivers")

    for user in (Area.worker, Area.police):
        InvolvementFactory(
            person=Area.child, team=Area.team, worker=user, kind=Involvement.Kind.ALLOCATED, started_at=NOW
        )
    return Area


def _referral(area: Any, **kw: Any) -> AssessmentWait:
    data = services.WaitIn(
        kind=kw.pop("kind", "adhd"),
        referred_on=kw.pop("referred_on", date(2026, 3, 2)),
        fast_track=kw.pop("fast_track", False),
        fast_track_reason=kw.pop("fast_track_reason", ""),
        provider=kw.pop("provider", "Shire neurodevelopmental pathway"),
    )
    return services.assessment_wait_record(person=area.child, data=data, by=area.worker)


def test_a_referral_is_saved_with_its_wait_counted_from_the_referral_in_whole_weeks(area: Any) -> None:
    wait = _referral(area, referred_on=date(2026, 3, 2))
    saved = AssessmentWait.objects.get()
    assert (saved.person, saved.partnership, saved.kind, saved.referred_on) == (
        area.child,
        area.partnership,
        "adhd",
        date(2026, 3, 2),
    )
    assert saved.waiting and saved.wait_weeks(TODAY) == 37  # 263 days
    assert wait.recorded_by == area.worker


def test_a_referral_writes_the_chronology_and_the_access_log(area: Any) -> None:
    wait = _referral(area, fast_track=True, fast_track_reason="High risk of criminal exploitation")
    event = ChronologyEvent.objects.get(person=area.child, kind=ChronologyEvent.Kind.HEALTH)
    assert event.title == "Referred for an assessment: ADHD (fast-tracked)"
    log = AccessLogEntry.objects.get(object_type="assessment_wait", action=AccessLogEntry.Action.CREATE)
    assert (log.object_id, log.person_id) == (str(wait.pk), area.child.pk)


def test_a_referral_dated_in_the_future_is_refused_and_nothing_is_saved(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _referral(area, referred_on=TODAY + timedelta(days=1))
    assert exc.value.message_dict["referred_on"] == [
        "The referral cannot be in the future (today is 20 November 2026)"
    ]
    assert not AssessmentWait.objects.exists()
    assert not ChronologyEvent.objects.filter(kind=ChronologyEvent.Kind.HEALTH).exists()


def test_a_fast_track_needs_its_reason_and_the_kind_must_be_known(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _referral(area, kind="dyslexia", fast_track=True)
    assert set(exc.value.message_dict) == {"kind", "fast_track_reason"}
    assert not AssessmentWait.objects.exists()


def test_a_role_that_does_not_record_referrals_is_refused(area: Any) -> None:
    data = services.WaitIn(kind="autism", referred_on=date(2026, 3, 2))
    with pytest.raises(PermissionError):
        services.assessment_wait_record(person=area.child, data=data, by=area.police)
    assert not AssessmentWait.objects.exists()


def test_the_outcome_stops_the_wait_on_the_day_of_the_assessment(area: Any) -> None:
    wait = _referral(area, referred_on=date(2026, 3, 2))
    done = services.assessment_wait_outcome(
        wait=wait, assessed_on=date(2026, 8, 3), outcome="diagnosed", by=area.worker, version=wait.version
    )
    assert not done.waiting and done.wait_weeks(TODAY) == 22 and done.version == 2
    assert ChronologyEvent.objects.filter(
        title="ADHD assessment: Assessed: diagnosis made, after 22 weeks"
    ).exists()


def test_an_assessment_before_the_referral_is_refused_with_the_referral_date(area: Any) -> None:
    wait = _referral(area, referred_on=date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.assessment_wait_outcome(
            wait=wait, assessed_on=date(2026, 3, 1), outcome="diagnosed", by=area.worker, version=wait.version
        )
    assert exc.value.message_dict["assessed_on"] == [
        "The assessment cannot be before the referral (2 March 2026)"
    ]
    wait.refresh_from_db()
    assert wait.waiting and wait.version == 1


def test_an_assessment_in_the_future_is_refused(area: Any) -> None:
    wait = _referral(area)
    with pytest.raises(ValidationError) as exc:
        services.assessment_wait_outcome(
            wait=wait, assessed_on=TODAY + timedelta(days=3), outcome="diagnosed", by=area.worker, version=1
        )
    assert "assessed_on" in exc.value.message_dict
    assert AssessmentWait.objects.get().waiting


def test_a_stale_outcome_is_a_conflict_and_changes_nothing(area: Any) -> None:
    wait = _referral(area)
    services.assessment_wait_outcome(
        wait=wait, assessed_on=date(2026, 9, 1), outcome="withdrawn", by=area.worker, version=1
    )
    with pytest.raises(services.Conflict):
        services.assessment_wait_outcome(
            wait=wait, assessed_on=date(2026, 9, 2), outcome="diagnosed", by=area.worker, version=1
        )
    assert AssessmentWait.objects.get().outcome == "withdrawn"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)), st.integers(0, 5000))
def test_the_wait_is_the_completed_weeks_between_the_dates(start: date, days: int) -> None:
    weeks = weeks_between(start, start + timedelta(days=days))
    assert weeks * 7 <= days < (weeks + 1) * 7
    assert weeks_between(start + timedelta(days=days), start) == 0  # never negative


# Pages ---------------------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def test_the_childs_record_shows_the_referrals_and_their_waits(area: Any) -> None:
    _referral(area, referred_on=date(2026, 3, 2), fast_track=True, fast_track_reason="Exploited: MACE panel")
    page = _client(area.worker).get(f"/people/{area.child.pk}/").content.decode()
    assert "Autism and ADHD assessments" in page
    assert "Waiting: 37 weeks so far" in page
    assert "Yes: Exploited: MACE panel" in page
    assert f"/health/children/{area.child.pk}/assessment-waits/new/" in page


def test_a_role_that_cannot_record_sees_no_empty_section(area: Any) -> None:
    page = _client(area.police).get(f"/people/{area.child.pk}/").content.decode()
    assert "Autism and ADHD assessments" not in page


def test_the_form_records_a_referral_and_returns_to_the_record(area: Any) -> None:
    url = f"/health/children/{area.child.pk}/assessment-waits/new/"
    assert _client(area.worker).get(url).status_code == 200
    response = _client(area.worker).post(
        url,
        {
            "kind": "autism",
            "referred_day": "2",
            "referred_month": "3",
            "referred_year": "2026",
            "fast_track": "no",
            "provider": "Eastshire CAMHS",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#assessment-waits")
    assert AssessmentWait.objects.get().kind == "autism"


def test_the_form_shows_why_a_future_referral_is_refused(area: Any) -> None:
    response = _client(area.worker).post(
        f"/health/children/{area.child.pk}/assessment-waits/new/",
        {
            "kind": "autism",
            "referred_day": "1",
            "referred_month": "12",
            "referred_year": "2026",
            "fast_track": "no",
        },
    )
    assert response.status_code == 400
    assert "The referral cannot be in the future" in response.content.decode()
    assert not AssessmentWait.objects.exists()


def test_the_outcome_form_records_the_assessment(area: Any) -> None:
    wait = _referral(area)
    url = f"/health/children/{area.child.pk}/assessment-waits/{wait.pk}/outcome/"
    assert _client(area.worker).get(url).status_code == 200
    response = _client(area.worker).post(
        url,
        {
            "version": "1",
            "outcome": "not_diagnosed",
            "assessed_day": "1",
            "assessed_month": "3",
            "assessed_year": "2026",
        },
    )
    assert response.status_code == 400 and "cannot be before the referral" in response.content.decode()
    response = _client(area.worker).post(
        url,
        {
            "version": "1",
            "outcome": "not_diagnosed",
            "assessed_day": "1",
            "assessed_month": "9",
            "assessed_year": "2026",
        },
    )
    assert response.status_code == 302
    assert AssessmentWait.objects.get().outcome == "not_diagnosed"


def test_the_pages_are_not_found_for_a_role_without_the_capability_or_the_child(area: Any) -> None:
    wait = _referral(area)
    stranger = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert (
        _client(area.police).get(f"/health/children/{area.child.pk}/assessment-waits/new/").status_code == 404
    )
    assert _client(stranger).get(f"/health/children/{area.child.pk}/assessment-waits/new/").status_code == 404
    url = f"/health/children/{area.child.pk}/assessment-waits/{wait.pk}/outcome/"
    assert _client(stranger).get(url).status_code == 404


# API -----------------------------------------------------------------------------------------------------


def _post(user: Any, path: str, body: dict[str, Any]) -> Any:
    return _api(user).post(path, json.dumps(body), content_type="application/json")


def test_the_api_records_lists_and_completes_a_referral(area: Any) -> None:
    created = _post(
        area.worker,
        "/api/v1/assessment-waits",
        {"person_id": area.child.pk, "kind": "both", "referred_on": "2026-03-02", "fast_track": False},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["wait_weeks"], body["waiting"], body["version"]) == (37, True, 1)
    listed = _api(area.worker).get(f"/api/v1/assessment-waits?person_id={area.child.pk}").json()
    assert [w["id"] for w in listed] == [body["id"]]
    done = _post(
        area.worker,
        f"/api/v1/assessment-waits/{body['id']}/outcome",
        {"outcome": "diagnosed", "assessed_on": "2026-06-01", "version": 1},
    )
    assert done.status_code == 200 and done.json()["wait_weeks"] == 13  # 91 days


def test_the_api_refuses_a_future_referral_with_the_reason(area: Any) -> None:
    response = _post(
        area.worker,
        "/api/v1/assessment-waits",
        {"person_id": area.child.pk, "kind": "adhd", "referred_on": "2026-12-25"},
    )
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()
    assert not AssessmentWait.objects.exists()


def test_the_api_refuses_a_role_without_the_capability(area: Any) -> None:
    response = _post(
        area.police,
        "/api/v1/assessment-waits",
        {"person_id": area.child.pk, "kind": "adhd", "referred_on": "2026-03-02"},
    )
    assert response.status_code == 403
    assert not AssessmentWait.objects.exists()
