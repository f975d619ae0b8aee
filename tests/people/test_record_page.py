from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mace.accounts.models import Role
from mace.people.models import ChronologyEvent, Identifier

from ..conftest import sign_in
from ..factories import AgencyFactory, FlagFactory, InvolvementFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


def _child(worker, events: int = 3):
    person = PersonFactory()
    InvolvementFactory(person=person, team=worker.team)
    agency = AgencyFactory()
    ChronologyEvent.objects.bulk_create(
        ChronologyEvent(
            person=person,
            occurred_at="2025-01-01T10:00:00Z",
            kind="education",
            title=f"Event {i}",
            agency=agency,
            actor_label="test",
        )
        for i in range(events)
    )
    return person


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_record_page_query_count_does_not_grow_with_the_data(worker) -> None:
    client = sign_in(Client(), worker)
    small = _child(worker, events=2)
    big = _child(worker, events=200)
    for _ in range(5):
        FlagFactory(person=big)
        InvolvementFactory(person=big, team=TeamFactory())
        Identifier.objects.create(person=big, scheme="la_child", value=f"LA{_}")
    assert _queries(client, f"/people/{big.pk}/") == _queries(client, f"/people/{small.pk}/")


def test_record_page_shows_flags_and_people_involved(worker) -> None:
    person = _child(worker)
    FlagFactory(person=person, kind="cse", reason="Older boyfriend")
    html = sign_in(Client(), worker).get(f"/people/{person.pk}/").content.decode()
    assert "Child sexual exploitation" in html and worker.team.name in html


def test_chronology_is_newest_first(worker) -> None:
    person = _child(worker, events=0)
    ChronologyEvent.objects.create(
        person=person, occurred_at="2024-01-01T10:00:00Z", kind="visit", title="Older", actor_label="t"
    )
    ChronologyEvent.objects.create(
        person=person, occurred_at="2025-01-01T10:00:00Z", kind="visit", title="Newer", actor_label="t"
    )
    html = sign_in(Client(), worker).get(f"/people/{person.pk}/").content.decode()
    assert html.index("Newer") < html.index("Older")


def test_chronology_filters_by_agency_and_kind(worker) -> None:
    person = _child(worker, events=0)
    police, school = AgencyFactory(name="Shire Police"), AgencyFactory(name="Shire School")
    ChronologyEvent.objects.create(
        person=person,
        occurred_at="2025-01-01T10:00:00Z",
        kind="contact",
        title="Police VPA",
        agency=police,
        actor_label="t",
    )
    ChronologyEvent.objects.create(
        person=person,
        occurred_at="2025-01-02T10:00:00Z",
        kind="education",
        title="Exclusion",
        agency=school,
        actor_label="t",
    )
    client = sign_in(Client(), worker)
    by_agency = client.get(f"/people/{person.pk}/", {"agency": police.pk}).content.decode()
    by_kind = client.get(f"/people/{person.pk}/", {"kind": "education"}).content.decode()
    assert ">Police VPA<" in by_agency and ">Exclusion<" not in by_agency
    assert ">Exclusion<" in by_kind and ">Police VPA<" not in by_kind


def test_free_text_is_escaped(worker) -> None:
    person = _child(worker, events=0)
    ChronologyEvent.objects.create(
        person=person,
        occurred_at="2025-01-01T10:00:00Z",
        kind="visit",
        title="<script>alert(1)</script>",
        body="<img src=x onerror=alert(1)>",
        actor_label="t",
    )
    html = sign_in(Client(), worker).get(f"/people/{person.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_allocated_worker_sees_who_has_looked(worker, make_user) -> None:
    person = _child(worker)
    nosy = make_user(Role.SOCIAL_WORKER)
    sign_in(Client(), nosy).get(f"/people/{person.pk}/")
    html = sign_in(Client(), worker).get(f"/people/{person.pk}/access-log/").content.decode()
    assert nosy.get_full_name() in html and "Denied" in html


def test_involved_but_not_allocated_team_cannot_see_the_access_log(make_user) -> None:
    worker = make_user(Role.EDUCATION_OFFICER)
    person = PersonFactory()
    InvolvementFactory(person=person, team=worker.team, kind="involved")
    assert sign_in(Client(), worker).get(f"/people/{person.pk}/access-log/").status_code == 404


def test_add_person_form_reports_every_error(make_user) -> None:
    client = sign_in(Client(), make_user(Role.FRONT_DOOR_WORKER))
    response = client.post(
        "/people/new/",
        {
            "given_names": "",
            "family_name": "",
            "sex": "F",
            "kind": "child",
            "nhs_number": "1234567890",
            "dob_day": "31",
            "dob_month": "2",
            "dob_year": "2012",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Enter the person&#39;s given names",
        "Enter a valid NHS number",
        "Date of birth must be a real",
    ):
        assert message in html


def test_add_person_form_creates_and_opens_the_record(make_user) -> None:
    user = make_user(Role.FRONT_DOOR_WORKER)
    client = sign_in(Client(), user)
    response = client.post(
        "/people/new/",
        {
            "given_names": "Kayden",
            "family_name": "Moss",
            "sex": "M",
            "kind": "child",
            "dob_day": "27",
            "dob_month": "3",
            "dob_year": "2011",
        },
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_break_glass_form_opens_the_record(make_user) -> None:
    user = make_user(Role.ED_CLINICIAN)
    person = PersonFactory()
    client = sign_in(Client(), user)
    assert client.get(f"/people/{person.pk}/").status_code == 404
    client.post(f"/people/{person.pk}/break-glass/", {"reason": "Attending ED tonight with injuries"})
    assert client.get(f"/people/{person.pk}/").status_code == 200
