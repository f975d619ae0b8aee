from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.frontdoor import services
from mace.frontdoor.models import Contact, Task
from mace.people.models import Involvement, Person

from ..conftest import sign_in
from ..factories import InvolvementFactory, UserFactory

pytestmark = pytest.mark.django_db


def _vpa(ref: str = "VPA-1", **subject: object) -> dict[str, object]:
    return {
        "source_system": "niche",
        "external_ref": ref,
        "kind": "vpa",
        "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "source_agency": "shire-police",
        "subject": {"given_names": "Kayden", "family_name": "Moss", "date_of_birth": "2011-03-27", **subject},
        "summary": "Found in a car with two adults in Crewe at 2am with £300.",
        "concerns": ["county_lines", "found_out_of_area"],
    }


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('t')).raw}")


def _post(client: Client, body: object):
    return client.post("/api/v1/contacts", data=json.dumps(body), content_type="application/json")


def test_api_contact_is_created_with_its_clocks(area) -> None:
    response = _post(_api(area.officer), _vpa())
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get(pk=body["id"])
    assert contact.review_due_at - contact.received_at == timedelta(hours=24)
    assert body["match"]["status"] == "new" and body["person_id"] is not None


def test_the_same_reference_returns_the_first_contact(area) -> None:
    client = _api(area.officer)
    first = _post(client, _vpa()).json()
    again = _post(client, _vpa())
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert Contact.objects.count() == 1


def test_timestamps_without_offset_are_refused(area) -> None:
    body = _vpa()
    body["received_at"] = "2026-03-02T09:15:00"
    response = _post(_api(area.officer), body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "received_at"


def test_every_problem_is_named_at_once(area) -> None:
    body = _vpa()
    body.update(kind="rumour", summary="")
    body["subject"] = {"nhs_number": "1234567890"}  # type: ignore[index]
    response = _post(_api(area.officer), body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert {"kind", "summary"} <= fields
    assert not Contact.objects.exists()


def test_unidentifiable_child_is_accepted_for_review(area) -> None:
    body = _vpa()
    body["subject"] = {}
    response = _post(_api(area.officer), body)
    assert response.status_code == 201
    assert response.json()["match"]["status"] == "needs_review" and response.json()["person_id"] is None


def test_free_text_is_stored_as_sent_and_displayed_escaped(area) -> None:
    body = _vpa(summary_extra="x")
    body["summary"] = "<script>alert('x')</script>"
    contact_id = _post(_api(area.officer), body).json()["id"]
    assert Contact.objects.get(pk=contact_id).summary == "<script>alert('x')</script>"
    html = sign_in(Client(), area.worker).get(f"/front-door/contacts/{contact_id}/").content.decode()
    assert "<script>alert(" not in html and "&lt;script&gt;" in html


def _decided(area) -> Contact:
    contact_id = _post(_api(area.officer), _vpa()).json()["id"]
    contact = Contact.objects.get(pk=contact_id)
    contact = services.contact_analyse(
        contact=contact,
        analysis="Criminal exploitation likely",
        risk=3,
        child_voice="I owe them money",
        concerns=["county_lines"],
        by=area.worker,
        version=contact.version,
    )
    return services.contact_decide(
        contact=contact,
        decision="referral",
        reason="Significant risk",
        by=area.worker,
        version=contact.version,
        allocated_team=area.social_work,
        allocated_worker=area.social_worker,
    )


def test_approval_starts_the_visit_and_assessment_for_the_allocated_worker(area) -> None:
    contact = _decided(area)
    contact = services.contact_approve(contact=contact, by=area.manager, version=contact.version)
    assert contact.status == "closed" and contact.approved_at is not None
    kinds = set(
        Task.objects.filter(contact=contact, assignee=area.social_worker).values_list("kind", flat=True)
    )
    assert kinds == {"visit", "assessment"}
    assert Involvement.objects.filter(person=contact.person, team=area.social_work, kind="allocated").exists()


def test_after_allocation_every_member_of_the_allocated_team_opens_the_child(area) -> None:
    colleague = UserFactory(team=area.social_work, roles=[Role.TEAM_MANAGER])
    contact = _decided(area)
    contact = services.contact_approve(contact=contact, by=area.manager, version=contact.version)
    for member in (area.social_worker, colleague):
        assert Task.objects.filter(team=member.team, person=contact.person, completed_at=None).exists()
        response = sign_in(Client(), member).get(f"/people/{contact.person_id}/")
        assert response.status_code == 200
        assert "Record not available" not in response.content.decode()


def test_allocation_is_in_the_access_log(area) -> None:
    contact = _decided(area)
    contact = services.contact_approve(contact=contact, by=area.manager, version=contact.version)
    involvement = Involvement.objects.get(person=contact.person, team=area.social_work, kind="allocated")
    assert AccessLogEntry.objects.filter(
        object_type="involvement", object_id=str(involvement.pk), person_id=contact.person_id
    ).exists()


def test_allocation_to_a_team_already_working_with_the_child_adds_no_second_involvement(area) -> None:
    contact = _decided(area)
    assert contact.person is not None
    InvolvementFactory(person=contact.person, team=area.social_work, kind="involved")
    services.contact_approve(contact=contact, by=area.manager, version=contact.version)
    open_for_team = Involvement.objects.filter(person=contact.person, team=area.social_work, ended_at=None)
    assert open_for_team.count() == 1


def test_a_worker_cannot_approve_and_a_manager_cannot_approve_their_own_decision(area) -> None:
    contact = _decided(area)
    with pytest.raises(PermissionError):
        services.contact_approve(contact=contact, by=area.worker, version=contact.version)


def test_stale_edit_is_a_conflict_not_an_overwrite(area) -> None:
    contact_id = _post(_api(area.officer), _vpa()).json()["id"]
    contact = Contact.objects.get(pk=contact_id)
    stale = contact.version
    services.contact_analyse(
        contact=contact, analysis="First", risk=2, child_voice="", concerns=[], by=area.worker, version=stale
    )
    with pytest.raises(services.Conflict):
        services.contact_analyse(
            contact=contact,
            analysis="Second",
            risk=1,
            child_voice="",
            concerns=[],
            by=area.manager,
            version=stale,
        )
    assert Contact.objects.get(pk=contact_id).analysis == "First"


def test_allocated_team_sees_new_intelligence_the_same_day(area) -> None:
    contact = _decided(area)
    services.contact_approve(contact=contact, by=area.manager, version=contact.version)
    body = _vpa("VPA-2")
    _post(_api(area.officer), body)
    html = sign_in(Client(), area.social_worker).get("/").content.decode()
    assert "New today about children your team works with" in html
    assert html.count("Police vulnerable person assessment") >= 2


def test_contact_received_on_saturday_is_due_for_decision_on_monday(area) -> None:
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    data = services.ContactIn(kind="vpa", received_at=saturday, summary="x", subject={"family_name": "Moss"})
    contact, _ = services.contact_receive(
        data=data, partnership=area.partnership, route="web", by=area.officer
    )
    assert contact.decision_due_at == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def test_a_stale_form_shows_the_conflict_page_with_both_versions(area) -> None:
    contact_id = _post(_api(area.officer), _vpa()).json()["id"]
    stale = Contact.objects.get(pk=contact_id).version
    first = sign_in(Client(), area.worker)
    second = sign_in(Client(), area.manager)
    form = {"version": stale, "risk": 2, "analysis": "Mine first", "child_voice": ""}
    assert first.post(f"/front-door/contacts/{contact_id}/analysis/", form).status_code == 302
    response = second.post(
        f"/front-door/contacts/{contact_id}/analysis/", {**form, "analysis": "Theirs second"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Mine first" in html and "Theirs second" in html
    assert Contact.objects.get(pk=contact_id).analysis == "Mine first"


def test_queue_filters_by_agency_and_by_the_team_that_knows_the_child(area) -> None:
    known = _post(_api(area.officer), _vpa("Q1")).json()
    other = services.contact_receive(
        data=services.ContactIn(
            kind="public",
            received_at=timezone.now(),
            summary="x",
            subject={"family_name": "Zed", "given_names": "Amy"},
        ),
        partnership=area.partnership,
        route="public",
        by=Actor.system("public-form"),
    )[0]
    Involvement.objects.create(
        person_id=known["person_id"], team=area.social_work, kind="allocated", started_at=timezone.now()
    )
    client = sign_in(Client(), area.worker)
    by_agency = client.get("/front-door/", {"agency": area.police.pk}).content.decode()
    by_team = client.get("/front-door/", {"team": area.social_work.pk}).content.decode()
    assert f"Contact {known['id']}<" in by_agency and f"Contact {other.pk}<" not in by_agency
    assert f"Contact {known['id']}<" in by_team and f"Contact {other.pk}<" not in by_team


def test_identifying_a_contact_without_a_version_is_a_conflict_that_saves_nothing(area) -> None:
    body = _vpa()
    body["subject"] = {}
    contact_id = _post(_api(area.officer), body).json()["id"]
    before = Contact.objects.get(pk=contact_id)
    people = Person.objects.count()
    response = sign_in(Client(), area.worker).post(
        f"/front-door/contacts/{contact_id}/match/", {"action": "new"}
    )
    after = Contact.objects.get(pk=contact_id)
    assert response.status_code == 409
    assert (after.version, after.person_id, Person.objects.count()) == (before.version, None, people)


def test_completing_a_task_is_written_once_and_logged_with_its_child(area) -> None:
    import time_machine

    held = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday
    with time_machine.travel(held, tick=False):
        decided = _decided(area)
        contact = services.contact_approve(contact=decided, by=area.manager, version=decided.version)
        task = Task.objects.filter(contact=contact).first()
        assert task is not None
        assert services.task_complete(
            task_id=task.pk, at=held, by=area.manager, reason="Strategy meeting held"
        )
        assert not services.task_complete(
            task_id=task.pk, at=held + timedelta(hours=1), by=area.manager, reason="Again"
        )
    task.refresh_from_db()
    assert task.completed_at == held
    entries = AccessLogEntry.objects.filter(object_type="task", object_id=str(task.pk))
    assert [(e.person_id, e.reason) for e in entries] == [(task.person_id, "Strategy meeting held")]
