"""The activity timetable (4.1b): sessions, a week's attendance, the figures against target, and
placement moves shown against the weeks."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from mace.casework import figures, selectors, services
from mace.casework.models import SessionAttendance, TimetableSession

from ..conftest import sign_in

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)  # a Friday
THIS_WEEK = date(2026, 11, 16)


def _session(area: Any, weekday: int, kind: str = "tuition", start: str = "09:30", end: str = "10:30") -> Any:
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return services.session_add(
        person=area.child,
        data=services.SessionIn(
            weekday, time(h1, m1), time(h2, m2), kind, "Home Tuition Service", THIS_WEEK - timedelta(weeks=12)
        ),
        by=area.officer,
    )


@pytest.fixture(autouse=True)
def _friday() -> Any:
    with time_machine.travel("2026-11-20T15:00:00+00:00", tick=False):
        yield


def test_an_education_officer_records_a_weeks_attendance(area: Any) -> None:
    sessions = [_session(area, d) for d in range(5)]
    marks = {s.pk: services.Mark(True) for s in sessions}
    marks[sessions[2].pk] = services.Mark(False, "Unwell")
    week = services.week_attendance_record(
        person=area.child, data=services.WeekIn(THIS_WEEK, marks), by=area.officer
    )
    assert (week.planned, week.attended, week.missed, week.tuition_hours) == (5, 4, 1, 4.0)
    assert SessionAttendance.objects.get(session=sessions[2]).reason == "Unwell"


def test_a_missed_session_needs_a_reason(area: Any) -> None:
    s = _session(area, 0)
    with pytest.raises(ValidationError) as exc:
        services.week_attendance_record(
            person=area.child, data=services.WeekIn(THIS_WEEK, {s.pk: services.Mark(False)}), by=area.officer
        )
    assert set(exc.value.message_dict) == {f"reason_{s.pk}"}


def test_every_session_that_has_happened_must_be_marked(area: Any) -> None:
    a, b = _session(area, 0), _session(area, 1)
    with pytest.raises(ValidationError) as exc:
        services.week_attendance_record(
            person=area.child, data=services.WeekIn(THIS_WEEK, {a.pk: services.Mark(True)}), by=area.officer
        )
    assert set(exc.value.message_dict) == {f"session_{b.pk}"}


def test_a_session_later_this_week_cannot_be_marked_yet(area: Any) -> None:
    s = _session(area, 5)  # Saturday
    with pytest.raises(ValidationError) as exc:
        services.week_attendance_record(
            person=area.child, data=services.WeekIn(THIS_WEEK, {s.pk: services.Mark(True)}), by=area.officer
        )
    assert set(exc.value.message_dict) == {f"session_{s.pk}"}


def test_a_week_that_has_not_started_is_refused(area: Any) -> None:
    _session(area, 0)
    with pytest.raises(ValidationError) as exc:
        services.week_attendance_record(
            person=area.child, data=services.WeekIn(THIS_WEEK + timedelta(weeks=1)), by=area.officer
        )
    assert "week_starting" in exc.value.message_dict


def test_a_session_must_end_after_it_starts(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _session(area, 0, start="11:00", end="10:00")
    assert set(exc.value.message_dict) == {"ends_at"}


def test_an_analyst_cannot_plan_a_timetable(area: Any) -> None:
    with pytest.raises(PermissionError):
        services.session_add(
            person=area.child,
            data=services.SessionIn(0, time(9), time(10), "sport", "Club", THIS_WEEK),
            by=area.analyst,
        )


def test_a_placement_move_is_shown_against_its_week(area: Any) -> None:
    _session(area, 0)
    services.placement_record(
        person=area.child,
        kind="residential",
        description="Oak House",
        started_on=THIS_WEEK + timedelta(days=2),
        by=area.worker,
    )
    view = selectors.timetable_view(area.worker, area.child.pk)
    assert view.weeks[0].week == THIS_WEEK
    assert view.weeks[0].moves == ["Children's home: Oak House (18 Nov)"]
    assert all(not w.moves for w in view.weeks[1:])


def test_random_terms_of_attendance_give_exactly_the_figures_counted_by_hand(area: Any) -> None:
    """Sessions and a term of marks written through the services; the page's figures are recounted
    here from the raw records, week by week."""
    rng = random.Random(6)
    sessions = [_session(area, d) for d in range(5)]  # five hours of tuition
    sessions += [
        _session(area, rng.randint(0, 4), kind, "13:00", "15:00")
        for kind in ("education", "sport", "youth_work", "education", "other")
    ]
    for w in range(1, 12):
        week = THIS_WEEK - timedelta(weeks=w)
        marks = {
            s.pk: services.Mark(True) if rng.random() < 0.8 else services.Mark(False, "Refused")
            for s in sessions
        }
        services.week_attendance_record(person=area.child, data=services.WeekIn(week, marks), by=area.officer)
    view = selectors.timetable_view(area.officer, area.child.pk)
    for row in view.weeks:
        rows = SessionAttendance.objects.filter(session__person=area.child, week_starting=row.week)
        attended = [a for a in rows if a.attended]
        tuition_minutes = 60 * sum(1 for a in attended if a.session.kind == "tuition")
        assert row.attended == len(attended)
        assert row.missed == rows.count() - len(attended)
        assert row.tuition_minutes == tuition_minutes
        expected_below = bool(rows) and (len(attended) < 10 or tuition_minutes < 300)
        assert row.below_target(10, 5) is expected_below
    assert view.below == sum(1 for r in view.weeks if r.below_target(10, 5))


def test_the_week_page_records_attendance(area: Any) -> None:
    sessions = [_session(area, d) for d in range(2)]
    client = sign_in(Client(), area.officer)
    url = f"/casework/children/{area.child.pk}/timetable/weeks/{THIS_WEEK.isoformat()}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            f"session_{sessions[0].pk}": "yes",
            f"session_{sessions[1].pk}": "no",
            f"reason_{sessions[1].pk}": "Unwell",
        },
    )
    assert response.status_code == 302
    assert SessionAttendance.objects.filter(attended=True).count() == 1


def test_the_week_page_shows_a_missing_reason(area: Any) -> None:
    s = _session(area, 0)
    client = sign_in(Client(), area.officer)
    url = f"/casework/children/{area.child.pk}/timetable/weeks/{THIS_WEEK.isoformat()}/"
    response = client.post(url, {f"session_{s.pk}": "no"})
    assert response.status_code == 400
    assert "Give the reason the child did not attend on Monday" in response.content.decode()


def test_the_timetable_page_highlights_weeks_below_target(area: Any) -> None:
    s = _session(area, 0)
    services.week_attendance_record(
        person=area.child, data=services.WeekIn(THIS_WEEK, {s.pk: services.Mark(True)}), by=area.officer
    )
    client = sign_in(Client(), area.worker)
    html = client.get(f"/casework/children/{area.child.pk}/timetable/").content.decode()
    assert "Below target" in html


def test_sessions_are_stored_with_their_length(area: Any) -> None:
    s = _session(area, 0, start="09:15", end="11:45")
    assert TimetableSession.objects.get(pk=s.pk).minutes == 150
    assert figures.monday(TODAY) == THIS_WEEK
