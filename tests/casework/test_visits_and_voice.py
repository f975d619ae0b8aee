"""Visits keep the child's words in one place; a child not heard recently is flagged to the worker
and the manager, on the home page and once per period by the tick."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mace.casework import selectors, services
from mace.casework.models import Visit, VoiceAlert
from mace.core import voice
from mace.core.models import AccessLogEntry, Notification
from mace.people.models import ChronologyEvent

from ..conftest import sign_in

pytestmark = pytest.mark.django_db


def _visit(**overrides: Any) -> services.VisitIn:
    data = {
        "visited_on": timezone.localdate(),
        "seen": True,
        "seen_alone": True,
        "place": "Child's home",
        "child_words": "I want to stay at my nan's.",
        "observations": "Calm, talked about football.",
    }
    data.update(overrides)
    return services.VisitIn(**data)


def test_a_visit_writes_the_chronology_and_the_access_log(area: Any) -> None:
    visit = services.visit_record(person=area.child, data=_visit(), by=area.worker)
    event = ChronologyEvent.objects.get(person=area.child, kind="visit")
    assert "I want to stay at my nan's." in event.body
    assert AccessLogEntry.objects.filter(
        object_type="visit", object_id=str(visit.pk), actor=area.worker
    ).exists()


def test_the_childs_words_on_a_visit_count_as_hearing_them(area: Any) -> None:
    services.visit_record(person=area.child, data=_visit(visited_on=date(2026, 11, 2)), by=area.worker)
    at, where = voice.last_heard([area.child.pk])[area.child.pk]
    assert (at.date(), where) == (date(2026, 11, 2), "visits")


def test_a_visit_without_the_childs_words_does_not_count_as_hearing_them(area: Any) -> None:
    services.visit_record(person=area.child, data=_visit(child_words=""), by=area.worker)
    assert area.child.pk not in voice.last_heard([area.child.pk])


def test_a_bad_visit_is_refused_with_every_problem_at_once(area: Any) -> None:
    future = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(
            person=area.child, data=_visit(visited_on=future, place="", observations=""), by=area.worker
        )
    assert set(exc.value.message_dict) == {"visited_on", "place", "observations"}


def test_a_child_not_seen_cannot_have_words_or_be_seen_alone(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.visit_record(person=area.child, data=_visit(seen=False), by=area.worker)
    assert set(exc.value.message_dict) == {"seen_alone", "child_words"}


def test_an_education_officer_does_not_record_visits(area: Any) -> None:
    with pytest.raises(PermissionError):
        services.visit_record(person=area.child, data=_visit(), by=area.officer)


def test_the_worker_and_manager_see_a_child_not_heard_recently(area: Any) -> None:
    old = timezone.localdate() - timedelta(days=90)
    services.visit_record(person=area.child, data=_visit(visited_on=old), by=area.worker)
    assert [f.person for f in selectors.voice_flags(area.worker)] == [area.child]
    assert [f.person for f in selectors.voice_flags(area.manager)] == [area.child]
    assert selectors.voice_flags(area.officer) == []  # involved, not allocated


def test_a_child_heard_within_the_period_is_not_flagged(area: Any) -> None:
    services.visit_record(person=area.child, data=_visit(), by=area.worker)
    assert selectors.voice_flags(area.worker) == []


def test_the_home_page_lists_children_not_heard(area: Any) -> None:
    client = sign_in(Client(), area.worker)
    html = client.get("/").content.decode()
    assert "Children not heard in the last 60 days" in html
    assert "Kai Rivers" in html


def test_the_tick_alerts_the_worker_and_manager_once_per_period(area: Any) -> None:
    assert services.send_voice_alerts() == 2
    assert services.send_voice_alerts() == 0  # the next minute's tick sends nothing new
    assert set(Notification.objects.values_list("user_id", flat=True)) == {area.worker.pk, area.manager.pk}
    assert VoiceAlert.objects.count() == 2


def test_the_tick_alerts_again_in_the_next_period(area: Any) -> None:
    services.send_voice_alerts()
    later = timezone.now() + timedelta(days=61)
    assert services.send_voice_alerts(later) == 2


def test_a_visit_page_records_the_visit(area: Any) -> None:
    client = sign_in(Client(), area.worker)
    today = timezone.localdate()
    response = client.post(
        f"/casework/children/{area.child.pk}/visits/new/",
        {
            "visited_day": today.day,
            "visited_month": today.month,
            "visited_year": today.year,
            "place": "School",
            "seen": "yes",
            "seen_alone": "no",
            "child_words": "I'm fine.",
            "observations": "Quiet.",
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().child_words == "I'm fine."


def test_an_empty_visit_form_lists_every_problem(area: Any) -> None:
    client = sign_in(Client(), area.worker)
    response = client.post(f"/casework/children/{area.child.pk}/visits/new/", {})
    html = response.content.decode()
    assert response.status_code == 400
    for text in (
        "Enter the date of the visit",
        "Say where the visit took place",
        "Say whether the child was seen",
    ):
        assert text in html


def test_forbidden_and_missing_casework_pages_look_the_same(area: Any, make_user: Any) -> None:
    from mace.accounts.models import Role

    stranger = make_user(Role.SOCIAL_WORKER)
    client = sign_in(Client(), stranger)
    forbidden = client.get(f"/casework/children/{area.child.pk}/")
    missing = client.get(f"/casework/children/{area.child.pk + 1000}/")
    assert forbidden.status_code == missing.status_code == 404
    assert AccessLogEntry.objects.filter(actor=stranger, action="deny").count() == 2


def test_partners_see_the_childs_visits_but_not_the_allocated_teams_supervision(area: Any) -> None:
    services.visit_record(person=area.child, data=_visit(), by=area.worker)
    services.supervision_record(
        person=area.child,
        data=services.SupervisionIn(timezone.localdate(), "Worker, manager", "Reflected", "yes", "Safer now"),
        by=area.manager,
    )
    partner = sign_in(Client(), area.officer).get(f"/casework/children/{area.child.pk}/").content.decode()
    team = sign_in(Client(), area.worker).get(f"/casework/children/{area.child.pk}/").content.decode()
    assert "I want to stay at my nan" in partner and "Safer now" not in partner
    assert "Safer now" in team
